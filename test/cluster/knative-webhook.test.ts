// Knative Serving's own webhook (built from knative.dev/serving) against the real control plane:
// every Knative Service we ship is validated and defaulted by Knative's code, as `kn service apply`
// meets it on a cluster that runs Knative.
import { expect } from "chai";
import { join } from "node:path";
import type { Api, KubeObject } from "../../scripts/cluster/api.ts";
import type { KnativeWebhook } from "../../scripts/cluster/knative-webhook.ts";
import { startKnativeWebhook } from "../../scripts/cluster/knative-webhook.ts";
import { lostFields } from "../helpers/crd-pruning.ts";
import { manifestDocuments } from "../helpers/manifests.ts";
import { realCluster, stopRealClusterAfterAll } from "../helpers/real-cluster.ts";

stopRealClusterAfterAll();

const shippedServices = (): KubeObject[] =>
  manifestDocuments()
    .map(({ doc }) => doc as KubeObject)
    .filter((doc) => doc.kind === "Service" && doc.apiVersion === "serving.knative.dev/v1");

interface Defaulted {
  spec: {
    template: {
      spec: { containerConcurrency?: number; containers: { readinessProbe?: unknown }[] };
    };
    traffic?: unknown;
  };
}

describe("Knative Serving's own webhook on the real API server", function () {
  this.timeout(120_000);
  let api: Api;
  let webhook: KnativeWebhook | undefined;

  /** The Service as the API server answers a dry-run apply of it, through Knative's webhook. */
  async function dryRunApply(service: KubeObject): Promise<KubeObject & Defaulted> {
    const { apiVersion, kind, metadata } = service;
    const path = await api.path(apiVersion, kind, metadata.namespace, metadata.name);
    const query = "?dryRun=All&fieldManager=npm-run-cluster&force=true";
    return api.ok("PATCH", path + query, service, "application/apply-patch+yaml");
  }

  before(async function () {
    // The first run builds the webhook with Go (minutes); later runs take it from .cluster/knative.
    this.timeout(30 * 60_000);
    const cluster = await realCluster();
    api = cluster.plane.admin;
    webhook = await startKnativeWebhook(
      api,
      cluster.plane.kubeconfigPath,
      join(cluster.dir, "knative-webhook.log"),
    );
  });

  after(async function () {
    this.timeout(30_000);
    await webhook?.stop();
  });

  it("should accept every Service we ship, default it as Knative does, and keep all we set", async () => {
    const services = shippedServices();
    expect(services).to.not.deep.equal([]);
    for (const service of services) {
      const name = service.metadata.name ?? "";
      const answer = await dryRunApply(service);
      expect(lostFields(service, answer), name).to.deep.equal([]);
      expect(answer.spec.template.spec.containerConcurrency, name).to.equal(0);
      expect(answer.spec.traffic, name).to.deep.equal([{ latestRevision: true, percent: 100 }]);
    }
  });

  it("should refuse a Service that Knative's own validation refuses, with its message", async () => {
    const service = structuredClone(shippedServices()[0]) as KubeObject & {
      spec: { template: { metadata: { annotations: Record<string, string> } } };
    };
    service.spec.template.metadata.annotations["autoscaling.knative.dev/min-scale"] = "x";
    const refused = await dryRunApply(service).then(
      () => "accepted",
      (error: Error) => error.message,
    );
    expect(refused).to.include(
      'admission webhook "validation.webhook.serving.knative.dev" denied the request: ' +
        "validation failed: invalid value: x: " +
        "spec.template.metadata.annotations.autoscaling.knative.dev/min-scale",
    );
  });
});
