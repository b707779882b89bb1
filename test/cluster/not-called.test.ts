// The examples varied so that an entry does not select them (a namespace not opted in,
// kube-system, the ci rules namespace with the shipped entry, the annotation removed): the real
// API server stores each exactly as `npm run preview` shows it, with the function not called.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { mutators } from "../../functions/mutators.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import { snapshotReader } from "../../shared/kube/snapshot-reader.ts";
import { inChainOrder } from "../../shared/preview/chain.ts";
import type { PreviewResult } from "../../shared/preview/run.ts";
import { preview } from "../../shared/preview/run.ts";
import type { WebhookEntry } from "../../shared/webhooks/entry.ts";
import { webhookEntries as shippedEntries } from "../../shared/webhooks/entry.ts";
import type { Api } from "../../scripts/cluster/api.ts";
import { ApiError } from "../../scripts/cluster/api.ts";
import { exampleCluster, exampleInputs } from "../helpers/examples.ts";
import { realCluster, stopRealClusterAfterAll } from "../helpers/real-cluster.ts";
import { eventually, serverFields, webhookEntries, withEntries } from "./objects.ts";

stopRealClusterAfterAll();

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const cluster = exampleCluster();

const example = (file: string): KubeObject => {
  const found = exampleInputs().find((e) => e.file === file);
  if (!found) throw new Error(`no example ${file}`);
  return structuredClone(found.object);
};

function varied(file: string, change: (object: KubeObject) => void): KubeObject {
  const object = example(file);
  change(object);
  return object;
}

async function previewOf(
  object: KubeObject,
  entries: readonly WebhookEntry[],
): Promise<PreviewResult> {
  const chain = inChainOrder(
    mutators.map((build) => build()),
    entries,
  );
  return preview(object, chain, snapshotReader(cluster));
}

describe("examples an entry does not select, through the real API server", function () {
  this.timeout(120_000);
  let api: Api;
  let installed: WebhookEntry[];

  before(async function () {
    this.timeout(300_000);
    api = (await realCluster()).plane.admin;
    installed = await webhookEntries(api);
  });

  /** What the API server makes of `object` on a dry-run create, compared without server fields. */
  const dryRun = async (object: KubeObject): Promise<KubeObject> =>
    serverFields(await api.create(object as never, "?dryRun=All"));

  async function storedAsPreviewed(
    object: KubeObject,
    notCalled: Record<string, string>,
    entries = installed,
  ): Promise<void> {
    const shown = await previewOf(object, entries);
    expect(shown.notCalled).to.deep.include(notCalled);
    const want = object.kind === "Pod" ? await dryRun(shown.object) : shown.object;
    expect(await dryRun(object)).to.deep.equal(want);
  }

  it("should leave a macvtap pod alone in a namespace that did not opt in", async () => {
    // Its VM asks for no instance metadata here: imds-injector would look for the VMI in ci.
    const pod = varied("launcher-pod-macvtap.yaml", (o) => {
      const metadata = (o.metadata ??= {});
      metadata.namespace = "ci";
      delete metadata.annotations?.["imds.kubevirt.io/enabled"];
    });
    await storedAsPreviewed(pod, {
      "macvtap-capabilities":
        "namespace ci lacks label vm-feature-manager.io/macvtap-capabilities=enabled",
      "imds-injector": "matchCondition asks-for-metadata is false",
    });
  });

  it("should leave a VM that asks for nested-virt alone in kube-system", async () => {
    const vm = varied("nested-virt-annotation.yaml", (o) => {
      (o.metadata ??= {}).namespace = "kube-system";
    });
    await storedAsPreviewed(vm, {
      "nested-virt":
        "namespace kube-system has label kubernetes.io/metadata.name=kube-system, which the selector excludes",
    });
    expect(await dryRun(vm)).to.deep.equal(vm);
  });

  it("should leave the ci rule example alone with the shipped entry, whose namespaces omit ci", async () => {
    const text = readFileSync(`${ROOT}/knative/webhooks.yaml`, "utf8");
    const shipped = shippedEntries(text, "knative/webhooks.yaml");
    // The installed entries (their caBundle), with nested-virt's conditions as shipped.
    const entries = installed.map((entry) => ({
      ...entry,
      matchConditions: shipped.find((s) => s.name === entry.name)?.matchConditions,
    }));
    const vm = example("nested-virt-rule.yaml");
    const shown = await previewOf(vm, entries);
    expect(shown.notCalled?.["nested-virt"]).to.equal(
      "matchCondition asks-or-in-a-rules-namespace is false",
    );
    expect(shown.object).to.deep.equal(vm);
    // The API server takes up a configuration change within about a second.
    await withEntries(api, entries, () =>
      eventually("nested-virt-rule.yaml with the shipped entry", () => dryRun(vm), shown.object),
    );
  });

  it("should refuse a VM in a namespace that does not exist, in the preview's words", async () => {
    const vm = varied("nested-virt-annotation.yaml", (o) => {
      (o.metadata ??= {}).namespace = "nowhere";
    });
    const shown = await previewOf(vm, installed);
    expect(shown.refused).to.equal('namespaces "nowhere" not found');
    expect(shown.patches).to.deep.equal({});
    const refusal = await api.create(vm as never, "?dryRun=All").then(
      () => undefined,
      (error: unknown) => (error instanceof ApiError ? error.body : error),
    );
    expect(refusal).to.deep.include({ code: 404, reason: "NotFound", message: shown.refused });
  });

  it("should call nested-virt for a v1alpha3 VM under matchPolicy Equivalent, not Exact, as the preview shows", async () => {
    const vm = varied("nested-virt-annotation.yaml", (o) => {
      o.apiVersion = "kubevirt.io/v1alpha3";
    });
    // The API server defaults matchPolicy to Equivalent; the shipped entries leave it out.
    expect(installed.map((entry) => entry.matchPolicy)).to.deep.equal(
      installed.map(() => "Equivalent"),
    );
    const shown = await previewOf(vm, installed);
    // The same patches as for the example at v1: nested-virt sees the VM converted to v1.
    const atV1 = await previewOf(example("nested-virt-annotation.yaml"), installed);
    expect(shown.patches).to.deep.equal(atV1.patches);
    expect(shown.patches["nested-virt"]).to.have.length(2);
    expect(shown.object.apiVersion).to.equal("kubevirt.io/v1alpha3");
    expect(await dryRun(vm)).to.deep.equal(shown.object);

    const exact = installed.map((entry) => ({ ...entry, matchPolicy: "Exact" as const }));
    const left = await previewOf(vm, exact);
    expect(left.notCalled?.["nested-virt"]).to.equal(
      "no rule selects CREATE of virtualmachines.kubevirt.io/v1alpha3 in namespace default (matchPolicy Exact leaves out the rule for virtualmachines.kubevirt.io/v1)",
    );
    expect(left.object).to.deep.equal(vm);
    await withEntries(api, exact, () =>
      eventually("the v1alpha3 VM with matchPolicy Exact", () => dryRun(vm), left.object),
    );
  });

  it("should leave the PCI example alone without its annotation", async () => {
    const vm = varied("pci-passthrough.yaml", (o) => {
      const metadata = o.metadata ?? {};
      delete metadata.annotations?.["vm-feature-manager.io/pci-passthrough"];
      // The API server stores no empty map: none is sent.
      if (Object.keys(metadata.annotations ?? {}).length === 0) delete metadata.annotations;
    });
    await storedAsPreviewed(vm, {
      "pci-passthrough": "matchCondition asks-for-pci-devices is false",
    });
  });
});
