import { expect } from "chai";
import { imdsInjector } from "../functions/imds-injector/feature.ts";
import { macvtapReason } from "../functions/macvtap-capabilities/detect.ts";
import { macvtapCapabilities } from "../functions/macvtap-capabilities/feature.ts";
import type { Operation } from "../shared/admission/types.ts";
import type { Pod } from "../shared/kube/pod.ts";
import { VIRTUAL_MACHINE_INSTANCE } from "../shared/kube/kinds.ts";
import { launcherPod, podReview } from "./helpers/launcher-pod.ts";
import type { Doc } from "./helpers/manifests.ts";
import { manifestDocuments } from "./helpers/manifests.ts";
import { calls } from "../shared/webhooks/dispatch.ts";
import type { WebhookEntry } from "../shared/webhooks/entry.ts";

// The Pod functions' manifests against their code: who the API server calls them for (rules,
// namespaceSelector, objectSelector, matchConditions, evaluated as the API server does), and RBAC
// that grants exactly what the features declare they read.

const docs = manifestDocuments().map(({ doc }) => doc);
const entry = (name: string): WebhookEntry => {
  const hooks = docs
    .filter((d) => d.kind === "MutatingWebhookConfiguration")
    .flatMap((d) => (d["webhooks"] ?? []) as WebhookEntry[]);
  const hook = hooks.find((h) => h.name === `${name}.vm-feature-manager.io`);
  if (!hook) throw new Error(`no webhook entry for ${name}`);
  return hook;
};

const OPTED_IN = { "vm-feature-manager.io/macvtap-capabilities": "enabled" };
const MACVTAP = { "macvtap.network.kubevirt.io/eno1": "1" };

function called(
  hook: WebhookEntry,
  pod: Pod,
  { namespace = "default", labels = {}, operation = "CREATE" as Operation } = {},
): boolean {
  const review = podReview({ ...pod, metadata: { ...pod.metadata, namespace } }, { operation });
  return calls(hook, review.request, { "kubernetes.io/metadata.name": namespace, ...labels });
}

describe("the Pod functions' webhook entries", () => {
  describe("macvtap-capabilities", () => {
    const hook = entry("macvtap-capabilities");
    const macvtapPod = (): Pod =>
      launcherPod({ computeResources: { requests: MACVTAP, limits: MACVTAP } });
    const cases: {
      name: string;
      pod: Pod;
      labels?: Record<string, string>;
      namespace?: string;
      operation?: Operation;
      want: boolean;
    }[] = [
      {
        name: "a macvtap launcher pod in an opted-in namespace",
        pod: macvtapPod(),
        labels: OPTED_IN,
        want: true,
      },
      { name: "the same pod in a namespace that did not opt in", pod: macvtapPod(), want: false },
      {
        name: "the same pod in the functions' own namespace, even labelled",
        pod: macvtapPod(),
        labels: OPTED_IN,
        namespace: "vm-feature-functions",
        want: false,
      },
      {
        name: "the same pod on UPDATE",
        pod: macvtapPod(),
        labels: OPTED_IN,
        operation: "UPDATE",
        want: false,
      },
      {
        name: "an ordinary pod that requests macvtap",
        pod: launcherPod({ labels: { app: "web" }, computeResources: { requests: MACVTAP } }),
        labels: OPTED_IN,
        want: false,
      },
      { name: "a launcher pod without macvtap", pod: launcherPod(), labels: OPTED_IN, want: false },
      {
        name: "a launcher pod whose Multus annotation names a macvtap network",
        pod: launcherPod({
          annotations: { "k8s.v1.cni.cncf.io/networks": '[{"name":"macvtap-lan"}]' },
        }),
        labels: OPTED_IN,
        want: true,
      },
      {
        name: "a launcher pod whose init container limits a macvtap resource",
        pod: launcherPod({ consoleLog: { limits: MACVTAP } }),
        labels: OPTED_IN,
        want: true,
      },
      {
        name: "a launcher pod whose containers set no resources",
        pod: launcherPod({ computeResources: {}, consoleLog: false }),
        labels: OPTED_IN,
        want: false,
      },
    ];
    for (const tc of cases) {
      it(`should ${tc.want ? "" : "not "}call the function for ${tc.name}`, () => {
        expect(called(hook, tc.pod, tc)).to.equal(tc.want);
      });
    }

    it("should wake the function exactly for the launcher pods it would change", () => {
      for (const tc of cases.filter((c) => c.labels && !c.namespace && !c.operation)) {
        const launcher = tc.pod.metadata?.labels?.["kubevirt.io"] === "virt-launcher";
        expect(called(hook, tc.pod, tc), tc.name).to.equal(
          launcher && macvtapReason(tc.pod) !== undefined,
        );
      }
    });
  });

  describe("imds-injector", () => {
    const hook = entry("imds-injector");
    const asking = (value: string, labels?: Record<string, string>): Pod =>
      launcherPod({
        annotations: { "imds.kubevirt.io/enabled": value },
        ...(labels ? { labels } : {}),
      });
    const cases: {
      name: string;
      pod: Pod;
      namespace?: string;
      operation?: Operation;
      want: boolean;
    }[] = [
      { name: "a launcher pod that asks", pod: asking("true"), want: true },
      { name: "one that asks in other words", pod: asking("Enabled"), want: true },
      { name: "one that says false", pod: asking("false"), want: false },
      { name: "one without the annotation", pod: launcherPod(), want: false },
      { name: "an ordinary pod that asks", pod: asking("true", { app: "web" }), want: false },
      { name: "a launcher pod on UPDATE", pod: asking("true"), operation: "UPDATE", want: false },
      {
        name: "a pod in knative-serving",
        pod: asking("true"),
        namespace: "knative-serving",
        want: false,
      },
    ];
    for (const tc of cases) {
      it(`should ${tc.want ? "" : "not "}call the function for ${tc.name}`, () => {
        expect(called(hook, tc.pod, tc)).to.equal(tc.want);
      });
    }
  });
});

describe("the Pod functions' RBAC", () => {
  const find = (kind: string, name: string): Doc | undefined =>
    docs.find((d) => d.kind === kind && d.metadata?.name === name);
  const bindingsOf = (serviceAccount: string): Doc[] =>
    docs.filter(
      (d) =>
        ["RoleBinding", "ClusterRoleBinding"].includes(d.kind ?? "") &&
        ((d["subjects"] ?? []) as { kind: string; name: string }[]).some(
          (s) => s.kind === "ServiceAccount" && s.name === serviceAccount,
        ),
    );

  it("should give imds-injector get on VMIs, the one kind it reads, and nothing more", () => {
    expect(imdsInjector().reads).to.deep.equal([VIRTUAL_MACHINE_INSTANCE]);
    expect(find("ClusterRole", "vm-feature-functions:imds-injector")?.["rules"]).to.deep.equal([
      { apiGroups: ["kubevirt.io"], resources: ["virtualmachineinstances"], verbs: ["get"] },
    ]);
    expect(
      bindingsOf("imds-injector").map((b) => (b["roleRef"] as { name: string }).name),
    ).to.deep.equal(["vm-feature-functions:imds-injector"]);
  });

  it("should give macvtap-capabilities no rights and no API token: it reads nothing", () => {
    expect(macvtapCapabilities().reads).to.deep.equal([]);
    expect(bindingsOf("macvtap-capabilities")).to.deep.equal([]);
    expect(
      find("ServiceAccount", "macvtap-capabilities")?.["automountServiceAccountToken"],
    ).to.equal(false);
  });
});
