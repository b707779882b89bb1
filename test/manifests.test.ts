import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isCelError, run } from "@bufbuild/cel";
import type { CelInput } from "@bufbuild/cel";
import { parseAllDocuments } from "yaml";
import { targets } from "../functions/targets.ts";
import { RELATED } from "../functions/machine-controller/customize.ts";

// The manifests are not applied anywhere in CI, so what can be checked without a cluster is
// checked here: they parse, and they agree with the code and with each other.

const KNATIVE = fileURLToPath(new URL("../knative/", import.meta.url));
type Doc = Record<string, unknown> & { kind?: string; metadata?: { name?: string } };

function documents(): Doc[] {
  return readdirSync(KNATIVE)
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) =>
      parseAllDocuments(readFileSync(`${KNATIVE}${f}`, "utf8")).map((d) => {
        expect(d.errors, f).to.deep.equal([]);
        return d.toJS() as Doc;
      }),
    )
    .filter((d) => d.kind !== undefined);
}

const get = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (v, key) => (v as Record<string | number, unknown> | undefined)?.[key],
    value,
  );

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

  it("should declare no side effects, reinvocation and a timeout inside the API server's range", () => {
    for (const hook of webhooks) {
      expect(hook).to.include({ sideEffects: "None", reinvocationPolicy: "IfNeeded" });
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

  it("should wake nested-virt for exactly the namespaces of its rules ConfigMap", () => {
    const rules = docs.find(
      (d) => d.kind === "ConfigMap" && d.metadata?.name === "nested-virt-rules",
    );
    const hook = webhooks.find((h) => h["name"] === "nested-virt.vm-feature-manager.io");
    const conditions = get(hook, "matchConditions") as { expression: string }[];
    const listed = /request\.namespace in \[([^\]]*)\]/.exec(
      conditions.map((c) => c.expression).join(" "),
    )?.[1];
    const namespaces = (listed ?? "").split(",").map((n) => n.trim().replace(/^'|'$/g, ""));
    expect(namespaces.sort()).to.deep.equal(Object.keys(get(rules, "data") as object).sort());
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

    it("should own VirtualMachines and PVCs, and never recreate a PVC to update it", () => {
      expect(get(spec, "parentResource")).to.deep.equal({
        apiVersion: "vitistack.io/v1alpha1",
        resource: "machines",
      });
      expect(
        children.map((c) => [c.apiVersion, c.resource, c.updateStrategy?.method]),
      ).to.deep.equal([
        ["kubevirt.io/v1", "virtualmachines", "InPlace"],
        ["v1", "persistentvolumeclaims", "InPlace"],
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
  describe("nested-virt's matchConditions", () => {
    const hook = webhooks.find((h) => h["name"] === "nested-virt.vm-feature-manager.io");
    const conditions = get(hook, "matchConditions") as { expression: string }[];
    const wakes = (metadata: Record<string, unknown>): boolean =>
      conditions.every(({ expression }) => {
        const bindings = { object: { metadata }, request: { namespace: metadata["namespace"] } };
        const result = run(expression, bindings as Record<string, CelInput>);
        if (isCelError(result)) throw new Error(`${expression}: ${result.message}`);
        return result === true;
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
});
