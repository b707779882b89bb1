// A matchCondition that asks the authorizer, through the real API server's RBAC: the example VM
// created by a ServiceAccount that may use nested-virt is mutated, by one that may not is left
// alone, exactly as `npm run preview --as system:serviceaccount:...` shows it with the cluster's
// RBAC objects in its snapshot.
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mutators } from "../../functions/mutators.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import { snapshotReader } from "../../shared/kube/snapshot-reader.ts";
import { inChainOrder } from "../../shared/preview/chain.ts";
import type { PreviewResult } from "../../shared/preview/run.ts";
import { preview } from "../../shared/preview/run.ts";
import type { WebhookEntry } from "../../shared/webhooks/entry.ts";
import { impersonated } from "../../shared/webhooks/request.ts";
import { Api } from "../../scripts/cluster/api.ts";
import type { Cluster } from "../../scripts/cluster/cluster.ts";
import { mountServiceAccount } from "../../scripts/cluster/functions.ts";
import { exampleCluster, exampleInputs } from "../helpers/examples.ts";
import { realCluster, stopRealClusterAfterAll } from "../helpers/real-cluster.ts";
import { eventually, serverFields, webhookEntries, withEntries } from "./objects.ts";

stopRealClusterAfterAll();

const RBAC = "rbac.authorization.k8s.io/v1";
const NAMESPACE = "default";
const MAY_NEST = {
  name: "may-use-nested-virt",
  expression:
    "authorizer.group('vm-feature-manager.io').resource('nested-virt').namespace(request.namespace).check('use').allowed()",
};

const rbacObjects = (name: string, rules: unknown[], serviceAccounts: string[]): KubeObject[] => [
  { apiVersion: RBAC, kind: "Role", metadata: { name, namespace: NAMESPACE }, rules },
  {
    apiVersion: RBAC,
    kind: "RoleBinding",
    metadata: { name, namespace: NAMESPACE },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    subjects: serviceAccounts.map((sa) => ({ kind: "ServiceAccount", name: sa })),
  },
];

/** Every RBAC object of the cluster, as `kubectl get roles,clusterroles,... -A -o yaml` prints them. */
async function clusterRbac(api: Api): Promise<KubeObject[]> {
  const kinds = ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];
  const lists = await Promise.all(
    kinds.map(async (kind) => {
      const path = await api.path(RBAC, kind);
      const list = await api.ok<{ items: KubeObject[] }>("GET", path);
      return list.items.map((item) => ({ ...item, apiVersion: RBAC, kind }));
    }),
  );
  return lists.flat();
}

describe("a matchCondition that asks the authorizer, through the real API server's RBAC", function () {
  this.timeout(120_000);
  let real: Cluster;
  let installed: WebhookEntry[];
  let entries: WebhookEntry[];
  const clients: Record<string, Api> = {};

  before(async function () {
    this.timeout(300_000);
    real = await realCluster();
    const { admin } = real.plane;
    const vms = { apiGroups: ["kubevirt.io"], resources: ["virtualmachines"], verbs: ["create"] };
    const nest = {
      apiGroups: ["vm-feature-manager.io"],
      resources: ["nested-virt"],
      verbs: ["use"],
    };
    for (const name of ["nester", "plain"]) {
      await admin.create({
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name, namespace: NAMESPACE },
      });
    }
    for (const object of [
      ...rbacObjects("vm-creators", [vms], ["nester", "plain"]),
      ...rbacObjects("nested-virt-users", [nest], ["nester"]),
    ])
      await admin.create(object as never);
    for (const name of ["nester", "plain"]) {
      const dir = mkdtempSync(join(tmpdir(), "authorizer-token-"));
      const at = { dir, namespace: NAMESPACE, serviceAccount: name };
      const token = await mountServiceAccount(admin, real.plane, at);
      clients[name] = new Api({ server: real.plane.server, ca: real.plane.ca, token });
    }
    installed = await webhookEntries(admin);
    entries = withCondition(MAY_NEST);
  });

  /** The installed entries with `condition` added to nested-virt's matchConditions. */
  const withCondition = (condition: { name: string; expression: string }): WebhookEntry[] =>
    installed.map((entry) =>
      entry.name.startsWith("nested-virt.")
        ? { ...entry, matchConditions: [...(entry.matchConditions ?? []), condition] }
        : entry,
    );

  const vm = (): KubeObject => {
    const found = exampleInputs().find((e) => e.file === "nested-virt-annotation.yaml");
    if (!found) throw new Error("no example nested-virt-annotation.yaml");
    return structuredClone(found.object);
  };

  async function previewAs(serviceAccount: string, chainOf = entries): Promise<PreviewResult> {
    const chain = inChainOrder(
      mutators.map((build) => build()),
      chainOf,
    );
    const cluster = snapshotReader([...exampleCluster(), ...(await clusterRbac(real.plane.admin))]);
    const user = impersonated(`system:serviceaccount:${NAMESPACE}:${serviceAccount}`);
    return preview(vm(), chain, cluster, user);
  }

  const dryRunAs = async (serviceAccount: string): Promise<KubeObject> =>
    serverFields(await (clients[serviceAccount] as Api).create(vm() as never, "?dryRun=All"));

  it("should mutate the VM of a user RBAC allows and leave a denied user's alone, as the preview shows", async () => {
    const allowed = await previewAs("nester");
    const denied = await previewAs("plain");
    expect(Object.keys(allowed.patches)).to.include("nested-virt");
    expect(allowed.warnings).to.equal(undefined);
    expect(denied.notCalled?.["nested-virt"]).to.equal(
      "matchCondition may-use-nested-virt is false",
    );
    expect(denied.object).to.deep.equal(vm());
    await withEntries(real.plane.admin, entries, async () => {
      // The denied user first: before the changed entry takes effect its VM is still mutated.
      await eventually("the VM of a user RBAC denies", () => dryRunAs("plain"), denied.object);
      expect(await dryRunAs("nester")).to.deep.equal(allowed.object);
    });
  });

  it("should give the reason the API server's RBAC gives, as the preview does", async () => {
    const reason =
      'RBAC: allowed by RoleBinding "nested-virt-users/default" of Role "nested-virt-users" to ServiceAccount "nester/default"';
    const byReason = withCondition({
      name: "allowed-by-the-binding",
      expression: `authorizer.group('vm-feature-manager.io').resource('nested-virt').namespace(request.namespace).check('use').reason() == '${reason}'`,
    });
    const shown = await previewAs("nester", byReason);
    expect(Object.keys(shown.patches)).to.include("nested-virt");
    const unchanged = await previewAs("plain", byReason);
    expect(unchanged.notCalled?.["nested-virt"]).to.equal(
      "matchCondition allowed-by-the-binding is false",
    );
    await withEntries(real.plane.admin, byReason, async () => {
      await eventually("the VM of a user RBAC denies", () => dryRunAs("plain"), unchanged.object);
      expect(await dryRunAs("nester")).to.deep.equal(shown.object);
    });
  });
});
