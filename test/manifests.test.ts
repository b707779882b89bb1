import { expect } from "chai";
import { isCelError, run } from "@bufbuild/cel";
import type { CelInput } from "@bufbuild/cel";
import { gpuDevicePlugin } from "../functions/gpu-device-plugin/feature.ts";
import { pciPassthrough } from "../functions/pci-passthrough/feature.ts";
import { targets } from "../functions/targets.ts";
import { errorHandlingVariable } from "../shared/admission/settings.ts";
import { pluralOf } from "../shared/kube/kinds.ts";
import type { Doc } from "./helpers/manifests.ts";
import { KNATIVE_DIR, manifestDocuments } from "./helpers/manifests.ts";
import { mutators } from "../functions/mutators.ts";
import { inChainOrder } from "../shared/preview/chain.ts";
import { evaluateConditions } from "../shared/webhooks/conditions.ts";
import { functionOf, webhookEntries } from "../shared/webhooks/entry.ts";
import { syncRulesNamespaces } from "../functions/nested-virt/webhook-namespaces.ts";
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { HOOK_CONFIGMAP } from "../functions/vbios-injection/hook-program.ts";
import { RELATED } from "../functions/machine-controller/hooks/customize.ts";

// The manifests are not applied anywhere in CI, so what can be checked without a cluster is
// checked here: they parse, and they agree with the code and with each other.

function documents(): Doc[] {
  return manifestDocuments().map(({ doc }) => doc);
}

const get = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (v, key) => (v as Record<string | number, unknown> | undefined)?.[key],
    value,
  );

/**
 * Whether the API server would call the webhook for an object with this metadata: every
 * matchCondition true, evaluated with a CEL implementation on the variables it binds.
 */
function called(
  conditions: readonly { name: string; expression: string }[],
  metadata: Record<string, unknown>,
): boolean {
  const hook = { name: "entry", clientConfig: {}, matchConditions: [...conditions] };
  const outcome = evaluateConditions(hook, {
    uid: "manifests",
    kind: { group: "kubevirt.io", version: "v1", kind: "VirtualMachine" },
    operation: "CREATE",
    namespace: String(metadata["namespace"]),
    object: { metadata },
  });
  if ("error" in outcome) throw new Error(outcome.error);
  return outcome.holds;
}

describe("knative/ manifests", () => {
  const docs = documents();
  const byKind = (kind: string): Doc[] => docs.filter((d) => d.kind === kind);
  const webhooks = byKind("MutatingWebhookConfiguration").flatMap(
    (c) => get(c, "webhooks") as Doc[],
  );
  const services = byKind("Service").filter((d) => d["apiVersion"] === "serving.knative.dev/v1");

  it("should only run functions the image has", () => {
    const envTargets = docs.flatMap(
      (d) => JSON.stringify(d).match(/"name":"FUNCTION_TARGET","value":"([^"]+)"/g) ?? [],
    );
    expect(envTargets).to.not.have.length(0);
    for (const env of envTargets) {
      const name = /"value":"([^"]+)"/.exec(env)?.[1] ?? "";
      expect(Object.keys(targets), env).to.include(name);
    }
  });

  it("should route every webhook entry to a Knative Service of the same name behind the front door", () => {
    expect(webhooks).to.not.have.length(0);
    for (const hook of webhooks) {
      const service = get(hook, "clientConfig", "service") as Record<string, unknown>;
      expect(service).to.include({
        name: "vm-feature-webhooks",
        namespace: "vm-feature-functions",
        port: 443,
      });
      const fn = String(service["path"]).slice(1);
      expect(services.map((s) => s.metadata?.name)).to.include(fn);
      expect(Object.keys(targets)).to.include(fn);
    }
  });

  it("should give every mutating function exactly one webhook entry, and no entry without one", () => {
    const entries = webhookEntries(
      readFileSync(`${KNATIVE_DIR}webhooks.yaml`, "utf8"),
      "knative/webhooks.yaml",
    );
    const chain = entries.map(functionOf);
    const names = mutators.map((build) => build().name);
    expect([...chain].sort()).to.deep.equal([...names].sort());
    expect(
      inChainOrder(
        mutators.map((build) => build()),
        entries,
      ).map((link) => link.feature.name),
    ).to.deep.equal(chain);
  });

  // Functions that write to the cluster while admitting, and never on a dry run.
  const WRITERS = ["vbios-injection.vm-feature-manager.io"];

  it("should declare side effects, reinvocation and a timeout inside the API server's range", () => {
    for (const hook of webhooks) {
      const sideEffects = WRITERS.includes(String(hook["name"])) ? "NoneOnDryRun" : "None";
      expect(hook).to.include({ sideEffects, reinvocationPolicy: "IfNeeded" });
      expect(hook["timeoutSeconds"]).to.be.within(1, 30);
    }
  });

  it("should keep every webhook away from its own namespace and the platform's", () => {
    for (const hook of webhooks) {
      const excluded = get(hook, "namespaceSelector", "matchExpressions", 0, "values");
      expect(excluded).to.include.members([
        "vm-feature-functions",
        "kube-system",
        "knative-serving",
        "kourier-system",
        "cert-manager",
      ]);
    }
  });

  it("should wake nested-virt for exactly the namespaces of its rules ConfigMap (npm run sync-rules-namespaces)", () => {
    const webhooksText = readFileSync(`${KNATIVE_DIR}webhooks.yaml`, "utf8");
    expect(syncRulesNamespaces(docs, webhooksText)).to.equal(webhooksText);
  });

  it("should give nested-virt list on nodes and get on its one ConfigMap, nothing more", () => {
    const role = docs.find(
      (d) => d.kind === "ClusterRole" && d.metadata?.name === "vm-feature-functions:nested-virt",
    );
    expect(get(role, "rules")).to.deep.equal([
      { apiGroups: [""], resources: ["nodes"], verbs: ["list"] },
    ]);
    const cmRole = docs.find(
      (d) => d.kind === "Role" && d.metadata?.name === "nested-virt-rules-reader",
    );
    expect(get(cmRole, "rules")).to.deep.equal([
      {
        apiGroups: [""],
        resources: ["configmaps"],
        resourceNames: ["nested-virt-rules"],
        verbs: ["get"],
      },
    ]);
  });

  it("should keep every Knative Service able to scale to zero and non-root", () => {
    expect(services).to.not.have.length(0);
    for (const service of services) {
      expect(
        get(
          service,
          "spec",
          "template",
          "metadata",
          "annotations",
          "autoscaling.knative.dev/min-scale",
        ),
      ).to.equal("0");
      expect(
        get(
          service,
          "spec",
          "template",
          "spec",
          "containers",
          0,
          "securityContext",
          "runAsNonRoot",
        ),
      ).to.equal(true);
    }
  });

  it("should have the webhook trust the CA that issues the front door's certificate", () => {
    const config = byKind("MutatingWebhookConfiguration")[0];
    const injected = get(config, "metadata", "annotations", "cert-manager.io/inject-ca-from");
    const ca = docs.find(
      (d) => d.kind === "Certificate" && `vm-feature-functions/${d.metadata?.name}` === injected,
    );
    expect(get(ca, "spec", "isCA")).to.equal(true);
    const serving = docs.find(
      (d) => d.kind === "Certificate" && get(d, "spec", "secretName") === "front-door-tls",
    );
    const issuer = docs.find(
      (d) => d.kind === "Issuer" && d.metadata?.name === get(serving, "spec", "issuerRef", "name"),
    );
    expect(get(issuer, "spec", "ca", "secretName")).to.equal(get(ca, "spec", "secretName"));
  });

  describe("machine-controller's CompositeController", () => {
    const controller = docs.find(
      (d) => d.kind === "CompositeController" && d.metadata?.name === "machine-controller",
    );
    const spec = get(controller, "spec") as Record<string, unknown>;
    const children = get(spec, "childResources") as {
      apiVersion: string;
      resource: string;
      updateStrategy?: { method?: string };
    }[];

    it("should call each hook on the path of the same name, at the function's cluster-local Service", () => {
      const service = services.find((s) => s.metadata?.name === "machine-controller");
      expect(get(service, "metadata", "labels", "networking.knative.dev/visibility")).to.equal(
        "cluster-local",
      );
      expect(Object.keys(targets)).to.include("machine-controller");
      for (const hook of ["customize", "sync", "finalize"]) {
        expect(get(spec, "hooks", hook, "webhook", "url")).to.equal(
          `http://machine-controller.vm-feature-functions.svc.cluster.local/${hook}`,
        );
      }
    });

    it("should own VirtualMachines, PVCs and NADs, and never recreate a PVC to update it", () => {
      expect(get(spec, "parentResource")).to.deep.equal({
        apiVersion: "vitistack.io/v1alpha1",
        resource: "machines",
      });
      expect(
        children.map((c) => [c.apiVersion, c.resource, c.updateStrategy?.method]),
      ).to.deep.equal([
        ["kubevirt.io/v1", "virtualmachines", "InPlace"],
        ["v1", "persistentvolumeclaims", "InPlace"],
        ["k8s.cni.cncf.io/v1", "network-attachment-definitions", "InPlace"],
      ]);
      expect(get(spec, "generateSelector")).to.equal(true);
    });

    it("should resync rarely enough to let the function scale to zero", () => {
      expect(get(spec, "resyncPeriodSeconds")).to.be.at.least(600);
    });

    it("should let Metacontroller read every related kind customize asks for, and write the children", () => {
      const role = docs.find(
        (d) =>
          d.kind === "ClusterRole" &&
          d.metadata?.name === "vm-feature-functions:machine-controller-metacontroller",
      );
      const rules = get(role, "rules") as {
        apiGroups: string[];
        resources: string[];
        verbs: string[];
      }[];
      const verbs = (apiVersion: string, resource: string): string[] => {
        const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
        return rules
          .filter((r) => r.apiGroups.includes(group ?? "") && r.resources.includes(resource))
          .flatMap((r) => r.verbs);
      };
      for (const related of Object.values(RELATED)) {
        expect(
          verbs(related.kind.apiVersion, related.resource),
          related.resource,
        ).to.include.members(["get", "list", "watch"]);
      }
      for (const child of children) {
        expect(verbs(child.apiVersion, child.resource), child.resource).to.include.members([
          "list",
          "watch",
          "create",
          "update",
          "patch",
          "delete",
        ]);
      }
      expect(verbs("vitistack.io/v1alpha1", "machines/status")).to.include("update");
      const binding = docs.find(
        (d) =>
          d.kind === "ClusterRoleBinding" && get(d, "roleRef", "name") === role?.metadata?.name,
      );
      expect(get(binding, "subjects")).to.deep.equal([
        { kind: "ServiceAccount", name: "metacontroller", namespace: "metacontroller" },
      ]);
    });

    it("should give the function itself no token and no role", () => {
      const account = docs.find(
        (d) => d.kind === "ServiceAccount" && d.metadata?.name === "machine-controller",
      );
      expect(account?.["automountServiceAccountToken"]).to.equal(false);
      const bound = docs.filter((d) =>
        JSON.stringify(get(d, "subjects") ?? []).includes('"name":"machine-controller"'),
      );
      expect(bound).to.deep.equal([]);
    });
  });

  // The API server calls a webhook only when every matchCondition is true; evaluated here with a
  // CEL implementation on the request variables the API server binds (object, request).
  // Evaluated as deployed with rules for the namespace `default` (nestedVirt.rules), and as shipped.
  describe("nested-virt's matchConditions", () => {
    const rules = [
      { kind: "ConfigMap", metadata: { name: "nested-virt-rules" }, data: { default: "^vm-" } },
    ];
    const withRules = parseAllDocuments(
      syncRulesNamespaces(rules, readFileSync(`${KNATIVE_DIR}webhooks.yaml`, "utf8")),
    ).flatMap((d) => (get(d.toJS(), "webhooks") ?? []) as Doc[]);
    const hook = withRules.find((h) => h["name"] === "nested-virt.vm-feature-manager.io");
    const conditions = get(hook, "matchConditions") as { name: string; expression: string }[];
    const wakes = (metadata: Record<string, unknown>): boolean => called(conditions, metadata);
    const shipped = webhooks.find((h) => h["name"] === "nested-virt.vm-feature-manager.io");

    it("should gate no namespace by name as shipped", () => {
      const conditions = get(shipped, "matchConditions") as { name: string; expression: string }[];
      expect(called(conditions, { namespace: "default" })).to.equal(false);
    });
    const asks = { "vm-feature-manager.io/nested-virt": "enabled" };

    const cases = [
      {
        name: "a VM that carries the annotation, anywhere",
        metadata: { namespace: "lab", annotations: asks },
        want: true,
      },
      {
        name: "a VM in a rules namespace without the annotation",
        metadata: { namespace: "default" },
        want: true,
      },
      { name: "a VM elsewhere without annotations", metadata: { namespace: "lab" }, want: false },
      {
        name: "a VM elsewhere with other annotations",
        metadata: { namespace: "lab", annotations: { a: "b" } },
        want: false,
      },
      {
        name: "a VM being deleted",
        metadata: {
          namespace: "default",
          annotations: asks,
          deletionTimestamp: "2026-11-21T10:00:00Z",
        },
        want: false,
      },
    ];
    for (const tc of cases) {
      it(`should ${tc.want ? "call" : "not call"} the function for ${tc.name}`, () => {
        expect(wakes(tc.metadata)).to.equal(tc.want);
      });
    }
  });

  // The device functions read only through list (readKubeVirt and the resolution list whole
  // kinds), so their ClusterRole is exactly list on each kind their `reads` declares.
  for (const feature of [pciPassthrough({ settings: { maxDevices: 8 } }), gpuDevicePlugin()]) {
    it(`should give ${feature.name} list on exactly the kinds it reads`, () => {
      const role = docs.find(
        (d) =>
          d.kind === "ClusterRole" && d.metadata?.name === `vm-feature-functions:${feature.name}`,
      );
      const expected = feature.reads.map((kind) => ({
        apiGroups: [kind.apiVersion.includes("/") ? kind.apiVersion.split("/")[0] : ""],
        resources: [pluralOf(kind)],
        verbs: ["list"],
      }));
      expect(get(role, "rules")).to.deep.equal(expected);
      const binding = docs.find(
        (d) =>
          d.kind === "ClusterRoleBinding" &&
          d.metadata?.name === `vm-feature-functions:${feature.name}`,
      );
      expect(get(binding, "subjects")).to.deep.equal([
        { kind: "ServiceAccount", name: feature.name, namespace: "vm-feature-functions" },
      ]);
      const service = services.find((sv) => sv.metadata?.name === feature.name);
      expect(get(service, "spec", "template", "spec", "serviceAccountName")).to.equal(feature.name);
      const env = get(service, "spec", "template", "spec", "containers", 0, "env") as {
        name: string;
      }[];
      expect(env.map((e) => e.name)).to.include(errorHandlingVariable(feature.name));
    });
  }

  it("should let cpu-labeller only get and patch nodes: the inventory annotation rides in the labels' patch", () => {
    const role = docs.find((d) => d.kind === "ClusterRole" && d.metadata?.name === "cpu-labeller");
    expect(get(role, "rules")).to.deep.equal([
      { apiGroups: [""], resources: ["nodes"], verbs: ["get", "patch"] },
    ]);
  });

  for (const name of ["pci-passthrough", "gpu-device-plugin"]) {
    describe(`${name}'s matchConditions`, () => {
      const hook = webhooks.find((h) => h["name"] === `${name}.vm-feature-manager.io`);
      const conditions = get(hook, "matchConditions") as { name: string; expression: string }[];
      const wakes = (metadata: Record<string, unknown>): boolean => called(conditions, metadata);
      const asks = { [`vm-feature-manager.io/${name}`]: "x" };
      const cases = [
        {
          name: "a VM that carries the annotation",
          metadata: { namespace: "lab", annotations: asks },
          want: true,
        },
        { name: "a VM without annotations", metadata: { namespace: "default" }, want: false },
        {
          name: "a VM with another feature's annotation",
          metadata: {
            namespace: "default",
            annotations: { "vm-feature-manager.io/nested-virt": "enabled" },
          },
          want: false,
        },
        {
          name: "a VM being deleted",
          metadata: {
            namespace: "lab",
            annotations: asks,
            deletionTimestamp: "2026-11-21T10:00:00Z",
          },
          want: false,
        },
      ];
      for (const tc of cases) {
        it(`should ${tc.want ? "call" : "not call"} the function for ${tc.name}`, () => {
          expect(wakes(tc.metadata)).to.equal(tc.want);
        });
      }
    });
  }
  it("should let vbios-injection read ConfigMaps and KubeVirt CRs, and update only its hook ConfigMap", () => {
    const role = docs.find(
      (d) =>
        d.kind === "ClusterRole" && d.metadata?.name === "vm-feature-functions:vbios-injection",
    );
    expect(get(role, "rules")).to.deep.equal([
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "create"] },
      {
        apiGroups: [""],
        resources: ["configmaps"],
        resourceNames: [HOOK_CONFIGMAP],
        verbs: ["update"],
      },
      { apiGroups: ["kubevirt.io"], resources: ["kubevirts"], verbs: ["list"] },
    ]);
    const binding = docs.find(
      (d) =>
        d.kind === "ClusterRoleBinding" &&
        d.metadata?.name === "vm-feature-functions:vbios-injection",
    );
    expect(get(binding, "subjects")).to.deep.equal([
      { kind: "ServiceAccount", name: "vbios-injection", namespace: "vm-feature-functions" },
    ]);
  });

  // CEL as the API server evaluates it: every matchCondition true, then each validation.
  const evaluate = (expression: string, bindings: Record<string, unknown>): unknown => {
    const result = run(expression, bindings as Record<string, CelInput>);
    if (isCelError(result)) throw new Error(`${expression}: ${result.message}`);
    return result;
  };

  describe("the ValidatingAdmissionPolicy on vbios-injection's ConfigMap writes", () => {
    const policy = docs.find(
      (d) =>
        d.kind === "ValidatingAdmissionPolicy" &&
        d.metadata?.name === "vm-feature-functions-vbios-injection-configmaps",
    );
    const conditions = get(policy, "spec", "matchConditions") as { expression: string }[];
    const validations = get(policy, "spec", "validations") as { expression: string }[];
    const SA = "system:serviceaccount:vm-feature-functions:vbios-injection";

    /** "not matched", "allowed" or "denied", for a ConfigMap request by `username`. */
    function decide(username: string, operation: string, name: string): string {
      const configMap = { metadata: { name, namespace: "gaming" }, data: {} };
      const bindings = {
        request: { userInfo: { username }, operation },
        object: operation === "DELETE" ? null : configMap,
        oldObject: operation === "CREATE" ? null : configMap,
      };
      if (!conditions.every((c) => evaluate(c.expression, bindings) === true)) return "not matched";
      return validations.every((v) => evaluate(v.expression, bindings) === true)
        ? "allowed"
        : "denied";
    }

    it("should be bound with Deny and cover every ConfigMap write", () => {
      const binding = docs.find(
        (d) =>
          d.kind === "ValidatingAdmissionPolicyBinding" &&
          get(d, "spec", "policyName") === policy?.metadata?.name,
      );
      expect(get(binding, "spec")).to.deep.equal({
        policyName: policy?.metadata?.name,
        validationActions: ["Deny"],
      });
      expect(get(policy, "spec", "matchConstraints", "resourceRules")).to.deep.equal([
        {
          apiGroups: [""],
          apiVersions: ["v1"],
          operations: ["CREATE", "UPDATE", "DELETE"],
          resources: ["configmaps"],
          scope: "*",
        },
      ]);
    });

    const cases: { who: string; operation: string; name: string; want: string }[] = [
      { who: SA, operation: "CREATE", name: HOOK_CONFIGMAP, want: "allowed" },
      { who: SA, operation: "UPDATE", name: HOOK_CONFIGMAP, want: "allowed" },
      { who: SA, operation: "DELETE", name: HOOK_CONFIGMAP, want: "allowed" },
      { who: SA, operation: "CREATE", name: "phoenix-vbios", want: "denied" },
      { who: SA, operation: "UPDATE", name: "kube-root-ca.crt", want: "denied" },
      { who: SA, operation: "DELETE", name: "phoenix-vbios", want: "denied" },
      {
        who: "system:serviceaccount:vm-feature-functions:nested-virt",
        operation: "CREATE",
        name: "x",
        want: "not matched",
      },
      { who: "alice", operation: "UPDATE", name: HOOK_CONFIGMAP, want: "not matched" },
    ];
    for (const tc of cases) {
      it(`should answer ${tc.want} for ${tc.who.split(":").pop()} on ${tc.operation} of ConfigMap ${tc.name}`, () => {
        expect(decide(tc.who, tc.operation, tc.name)).to.equal(tc.want);
      });
    }
  });

  describe("vbios-injection's matchConditions", () => {
    const hook = webhooks.find((h) => h["name"] === "vbios-injection.vm-feature-manager.io");
    const conditions = get(hook, "matchConditions") as { name: string; expression: string }[];
    const wakes = (metadata: Record<string, unknown>): boolean =>
      called(conditions, { namespace: "gaming", ...metadata });
    const cases = [
      {
        name: "a VM that names a ROM ConfigMap",
        metadata: { annotations: { "vm-feature-manager.io/vbios-injection": "phoenix-vbios" } },
        want: true,
      },
      { name: "a VM without annotations", metadata: {}, want: false },
      {
        name: "a VM that only names a target",
        metadata: { annotations: { "vm-feature-manager.io/vbios-target": "igpu" } },
        want: false,
      },
      {
        name: "a VM being deleted",
        metadata: {
          annotations: { "vm-feature-manager.io/vbios-injection": "phoenix-vbios" },
          deletionTimestamp: "2026-11-21T10:00:00Z",
        },
        want: false,
      },
    ];
    for (const tc of cases) {
      it(`should ${tc.want ? "call" : "not call"} the function for ${tc.name}`, () => {
        expect(wakes(tc.metadata)).to.equal(tc.want);
      });
    }
  });
});
