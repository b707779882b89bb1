// The shipped manifests under two field managers on the real API server, as a GitOps tool (Argo
// CD, Flux) meets them when it server-side-applies what `helm` or `kubectl` applied first: the
// second apply must not conflict, and what the server stores in the fields we write must be what
// we wrote (a default the server writes inside a field we own is a permanent diff).
import { expect } from "chai";
import type { Api, KubeObject } from "../../scripts/cluster/api.ts";
import { shippedObjects } from "../../scripts/cluster/install.ts";
import { manifestDocuments } from "../helpers/manifests.ts";
import { appliedFields, ownedDrift } from "../helpers/owned-fields.ts";
import type { Drift } from "../helpers/owned-fields.ts";
import { realCluster, stopRealClusterAfterAll } from "../helpers/real-cluster.ts";

stopRealClusterAfterAll();

const NAMESPACE = "ssa-two-managers";
const SUFFIX = "-ssa-two-managers";

/**
 * The object under names of its own, so the other suites' installed copies are left alone: its
 * namespace's objects in NAMESPACE, other cluster-scoped ones suffixed; a CRD's name is fixed.
 */
function renamed(object: KubeObject): KubeObject {
  const metadata = { ...object.metadata };
  if (object.kind === "Namespace") metadata.name = NAMESPACE;
  else if (metadata.namespace !== undefined) metadata.namespace = NAMESPACE;
  else if (object.kind !== "CustomResourceDefinition") metadata.name = `${metadata.name}${SUFFIX}`;
  return { ...object, metadata };
}

const key = (o: KubeObject): string =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name ?? ""}`;

async function apply(api: Api, object: KubeObject, manager: string): Promise<string | undefined> {
  const { apiVersion, kind, metadata } = object;
  const path = await api.path(apiVersion, kind, metadata.namespace, metadata.name);
  const answer = await api.send(
    "PATCH",
    `${path}?fieldManager=${manager}&force=false`,
    object,
    "application/apply-patch+yaml",
  );
  if (answer.status === 200 || answer.status === 201) return undefined;
  return `${answer.status} ${(answer.body as { message?: string }).message ?? ""}`;
}

/** What is wrong with `object` under two managers: B's conflict, or A's fields the server changed. */
async function twoManagers(api: Api, object: KubeObject): Promise<(string | Drift)[]> {
  const first = await apply(api, object, "gitops-a");
  if (first) return [`gitops-a: ${first}`];
  const second = await apply(api, object, "gitops-b");
  const { apiVersion, kind, metadata } = object;
  const stored = await api.get(apiVersion, kind, metadata.namespace, metadata.name ?? "");
  // An object of nothing but its name (a ServiceAccount) has no entry: nothing to compare.
  const owned = stored && appliedFields(stored, "gitops-a");
  const drift = owned ? ownedDrift(owned, object, stored) : [];
  return [...(second ? [`gitops-b: ${second}`] : []), ...drift];
}

describe("the shipped manifests under a second field manager (GitOps) on the real API server", function () {
  this.timeout(120_000);
  let api: Api;
  const objects = [
    ...shippedObjects(),
    // Last, and removed once read: its entries would call the functions for this cluster's writes.
    ...manifestDocuments()
      .map(({ doc }) => doc as KubeObject)
      .filter((doc) => doc.kind === "MutatingWebhookConfiguration"),
  ].map(renamed);

  before(async function () {
    this.timeout(300_000);
    api = (await realCluster()).plane.admin;
  });

  after(async () => {
    for (const o of [...objects].reverse()) {
      if (o.kind === "CustomResourceDefinition") continue;
      await api.delete(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name ?? "");
    }
  });

  it("should apply every object under a second manager without a conflict, and store what was applied", async () => {
    const problems: Record<string, (string | Drift)[]> = {};
    for (const object of objects) {
      const found = await twoManagers(api, object);
      if (found.length > 0) problems[key(object)] = found;
    }
    expect(problems, JSON.stringify(problems, null, 2)).to.deep.equal({});
  });
});
