import { expect } from "chai";
import type { Doc } from "./helpers/manifests.ts";
import { manifestDocuments } from "./helpers/manifests.ts";

// Every manifest in knative/ is validated against the published schemas of its API: Kubernetes'
// own (kubernetes-models), Knative's (@kubernetes-models/knative) and cert-manager's
// (@kubernetes-models/cert-manager). A schema package is a check, not the authority: where one
// disagrees with what the real API server accepts, the disagreement is listed below with why.

interface Model {
  new (data: unknown): { validate(): void };
}

/** Where the model class of an apiVersion lives: core `v1`, groups by name, and the two add-ons. */
function modulePath(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "") return `kubernetes-models/v1/${kind}`;
  if (group === "serving.knative.dev") return `@kubernetes-models/knative/${apiVersion}/${kind}`;
  if (group?.endsWith("cert-manager.io"))
    return `@kubernetes-models/cert-manager/${apiVersion}/${kind}`;
  if (
    group?.endsWith(".k8s.io") ||
    ["apps", "batch", "policy", "autoscaling"].includes(group ?? "")
  )
    return `kubernetes-models/${group}/${version}/${kind}`;
  return undefined;
}

/**
 * Kinds no registry package publishes a schema for, each checked elsewhere: Metacontroller's
 * CompositeController by test/manifests.test.ts (hooks point at the function's paths).
 */
const NO_SCHEMA_PACKAGE = new Set(["metacontroller.k8s.io/v1alpha1 CompositeController"]);

/**
 * Where the schema package is stricter than the API server. @kubernetes-models/knative 4.x marks
 * a probe's `httpGet.port` and a container's `name` required; Knative's own Service CRD (1.15 to
 * 1.23) requires neither and its webhook fills both in (the container port; `user-container`).
 */
function knownDisagreement(doc: Doc, error: { instancePath: string; params: unknown }): boolean {
  if (doc.apiVersion !== "serving.knative.dev/v1") return false;
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const inContainer = /^\/spec\/template\/spec\/containers\/\d+$/.test(error.instancePath);
  const inProbe = /\/containers\/\d+\/(readiness|liveness|startup)Probe\/httpGet$/.test(
    error.instancePath,
  );
  return (inContainer && missing === "name") || (inProbe && missing === "port");
}

async function validate(doc: Doc): Promise<string[]> {
  const path = modulePath(doc.apiVersion ?? "", doc.kind ?? "");
  if (!path) return [`no schema package for ${doc.apiVersion} ${doc.kind}`];
  const module = (await import(path)) as Record<string, Model>;
  const model = module[doc.kind ?? ""];
  if (!model) return [`${path} exports no ${doc.kind}`];
  try {
    new model(doc).validate();
    return [];
  } catch (error) {
    const details = (
      error as { errors?: { instancePath: string; message?: string; params: unknown }[] }
    ).errors;
    if (!details) return [String(error)];
    return details
      .filter((e) => !knownDisagreement(doc, e))
      .map((e) => `${e.instancePath} ${e.message ?? ""}`);
  }
}

describe("knative/ manifests against their APIs' published schemas", () => {
  for (const { file, doc } of manifestDocuments()) {
    const kind = `${doc.apiVersion} ${doc.kind}`;
    if (NO_SCHEMA_PACKAGE.has(kind)) continue;
    it(`should accept ${file}: ${doc.kind} ${doc.metadata?.name ?? ""}`, async () => {
      expect(await validate(doc)).to.deep.equal([]);
    });
  }

  it("should catch a broken manifest (the check itself works)", async () => {
    const broken: Doc = {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "MutatingWebhookConfiguration",
      metadata: { name: "x" },
      webhooks: [{ name: "x.example.com", clientConfig: {}, sideEffects: "Maybe" }],
    };
    expect(await validate(broken)).to.not.deep.equal([]);
  });

  it("should keep Knative's real leniency only for Knative Services", async () => {
    const knative: Doc = {
      apiVersion: "serving.knative.dev/v1",
      kind: "Service",
      metadata: { name: "x" },
      spec: {
        template: {
          spec: { containers: [{ image: "x", readinessProbe: { httpGet: { path: "/" } } }] },
        },
      },
    };
    expect(await validate(knative)).to.deep.equal([]);
    const deployment: Doc = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "x" },
      spec: {
        selector: {},
        template: {
          spec: { containers: [{ image: "x", readinessProbe: { httpGet: { path: "/" } } }] },
        },
      },
    };
    expect(await validate(deployment)).to.not.deep.equal([]);
  });
});
