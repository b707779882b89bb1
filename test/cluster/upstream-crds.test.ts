// KubeVirt's and Knative Serving's real CRDs in the real API server (npm run cluster's control
// plane): every VM the examples produce and every Knative Service we ship is accepted with strict
// field validation, so the server would prune nothing, and comes back with all that was sent.
import { expect } from "chai";
import type { Api } from "../../scripts/cluster/api.ts";
import { ApiError } from "../../scripts/cluster/api.ts";
import type { KubeObject } from "../../scripts/cluster/api.ts";
import { manifestDocuments } from "../helpers/manifests.ts";
import { lostFields } from "../helpers/crd-pruning.ts";
import { exampleMachineChildren, exampleVms } from "../helpers/example-vms.ts";
import { realCluster, stopRealClusterAfterAll } from "../helpers/real-cluster.ts";

stopRealClusterAfterAll();

// Strict: the server refuses a field its schema would prune, naming it, instead of dropping it.
const STRICT = "dryRun=All&fieldValidation=Strict";

/** The answer to a strict dry-run create, or the server's refusal as one line. */
async function strictCreate(api: Api, object: KubeObject): Promise<KubeObject | string> {
  try {
    return await api.create(object, `?${STRICT}`);
  } catch (error) {
    if (error instanceof ApiError) return error.message;
    throw error;
  }
}

/** The answer to a strict dry-run server-side apply (the object exists already). */
async function strictApply(api: Api, object: KubeObject): Promise<KubeObject> {
  const { apiVersion, kind, metadata } = object;
  const path = await api.path(apiVersion, kind, metadata.namespace, metadata.name);
  const query = `?${STRICT}&fieldManager=npm-run-cluster&force=true`;
  return api.ok<KubeObject>("PATCH", path + query, object, "application/apply-patch+yaml");
}

describe("upstream CRDs in the real API server: nothing we ship or make is pruned", function () {
  this.timeout(120_000);
  let api: Api;

  before(async function () {
    this.timeout(900_000);
    api = (await realCluster()).plane.admin;
  });

  it("should refuse a VM field KubeVirt's schema does not declare, naming it", async () => {
    const vm = (await exampleVms())[0]?.vm as KubeObject;
    const spec = { ...(vm["spec"] as object), cpuFeatures: ["vmx"] };
    const answer = await strictCreate(api, { ...vm, spec });
    expect(answer).to.be.a("string").and.include('unknown field "spec.cpuFeatures"');
  });

  it("should store every VM the examples produce, strictly validated, with all that was sent", async () => {
    // What the webhook chain leaves: the server's own chain, called again, changes nothing.
    const vms = (await exampleVms()).filter(({ what }) => what.endsWith("after the chain"));
    const found: string[] = [];
    for (const { what, vm } of vms) {
      const answer = await strictCreate(api, vm as KubeObject);
      if (typeof answer === "string") found.push(`${what}: ${answer}`);
      else found.push(...lostFields(vm, answer).map((path) => `${what}: lost ${path}`));
    }
    expect(found).to.deep.equal([]);
  });

  it("should store every NetworkAttachmentDefinition machine-controller makes, with all that was sent", async () => {
    const nads = await exampleMachineChildren("NetworkAttachmentDefinition");
    expect(nads).to.not.deep.equal([]);
    const found: string[] = [];
    for (const { what, object: nad } of nads) {
      const answer = await strictCreate(api, nad as KubeObject);
      if (typeof answer === "string") found.push(`${what}: ${answer}`);
      else found.push(...lostFields(nad, answer).map((path) => `${what}: lost ${path}`));
    }
    expect(found).to.deep.equal([]);
  });

  const services = (): KubeObject[] =>
    manifestDocuments()
      .map(({ doc }) => doc as KubeObject)
      .filter((doc) => doc.kind === "Service" && doc.apiVersion === "serving.knative.dev/v1");

  it("should refuse a container field Knative's Service schema does not declare, naming it", async () => {
    const service = structuredClone(services()[0]) as KubeObject & {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    const [container] = service.spec.template.spec.containers;
    if (container) container["restartPolicy"] = "Always";
    const refused = await strictApply(api, service).then(
      () => "stored",
      (error: Error) => error.message,
    );
    expect(refused).to.include(
      ".spec.template.spec.containers[0].restartPolicy: field not declared in schema",
    );
  });

  it("should store every Knative Service we ship, strictly validated, with all that was sent", async () => {
    expect(services()).to.not.deep.equal([]);
    const found: string[] = [];
    for (const service of services()) {
      const answer = await strictApply(api, service);
      found.push(...lostFields(service, answer).map((p) => `${service.metadata.name}: lost ${p}`));
    }
    expect(found).to.deep.equal([]);
  });
});
