// The whole chain through a real kube-apiserver (npm run cluster's control plane): every example
// VM and launcher Pod created with a client is stored exactly as `npm run preview` shows it; the
// API server's own dispatch, matchConditions, JSON-patch application and reinvocation decide.
import { expect } from "chai";
import { mutators } from "../../functions/mutators.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import { snapshotReader } from "../../shared/kube/snapshot-reader.ts";
import { inChainOrder } from "../../shared/preview/chain.ts";
import type { WebhookEntry } from "../../shared/webhooks/entry.ts";
import { preview } from "../../shared/preview/run.ts";
import type { Api } from "../../scripts/cluster/api.ts";
import { exampleCluster, exampleInputs } from "../helpers/examples.ts";
import { realCluster, stopRealClusterAfterAll } from "../helpers/real-cluster.ts";
import type { Cluster } from "../../scripts/cluster/cluster.ts";
import { eventually, serverFields, stored, webhookEntries, withEntries } from "./objects.ts";

stopRealClusterAfterAll();

const cluster = exampleCluster();
/** The webhook entries as installed (read back from the API server in each suite's hook). */
let installed: WebhookEntry[] = [];

/** What `npm run preview` shows for `object` through `entries` on the example cluster. */
async function previewOf(
  object: KubeObject,
  entries: readonly WebhookEntry[] = installed,
): Promise<KubeObject> {
  const chain = inChainOrder(
    mutators.map((build) => build()),
    entries,
  );
  return (await preview(object, chain, snapshotReader(cluster))).object;
}

/** What the API server makes of `object` on a dry-run create, compared without server fields. */
async function dryRun(api: Api, object: KubeObject): Promise<KubeObject> {
  return serverFields(await api.create(object as never, "?dryRun=All"));
}

describe("the whole chain through the real API server", function () {
  this.timeout(120_000);
  let real: Cluster;
  let api: Api;

  before(async function () {
    this.timeout(300_000);
    real = await realCluster();
    api = real.plane.admin;
    installed = await webhookEntries(api);
  });

  /** Every example's dry-run create ends as the preview of `chain` shows it. */
  async function matches(chain: readonly WebhookEntry[], what: string): Promise<void> {
    for (const { file, object } of exampleInputs()) {
      const want = await previewOf(object, chain);
      const expected = object.kind === "Pod" ? await dryRun(api, want) : want;
      await eventually(`${file} ${what}`, () => dryRun(api, object), expected);
    }
  }

  for (const { file, object } of exampleInputs()) {
    it(`should store examples/${file} as the preview shows it, and settle on reinvocation`, async () => {
      const expected = await previewOf(object);
      const created = await api.create(object as never);
      try {
        // A Pod gets the server's defaults too; the preview's object through the same defaulting
        // (every webhook leaves it alone: the chain settles) is what must be stored.
        const want = object.kind === "Pod" ? await dryRun(api, expected) : expected;
        expect(serverFields(created)).to.deep.equal(want);
        // An update that changes nothing passes every UPDATE webhook again and changes nothing.
        const updated = await api.ok<KubeObject>("PUT", await stored(api, created), created);
        expect(updated.metadata?.resourceVersion).to.equal(created.metadata?.resourceVersion);
      } finally {
        await api.ok("DELETE", `${await stored(api, created)}?gracePeriodSeconds=0`);
      }
    });
  }

  it("should stop exactly one feature when its entry is removed from the configuration", async function () {
    this.timeout(600_000);
    for (const removed of installed) {
      const name = (removed.clientConfig.service?.path ?? "").slice(1);
      const chain = installed.filter((e) => e !== removed);
      await withEntries(api, chain, () => matches(chain, `without ${name}`));
    }
    await matches(installed, "with every entry back");
  });

  describe("a stopped function, as each entry's failurePolicy says", () => {
    it("should deny (failurePolicy Fail) only the VMs that ask for nested-virt, and admit the rest", async () => {
      const [asks] = exampleInputs().filter((e) => e.file === "nested-virt-annotation.yaml");
      const plain: KubeObject = {
        apiVersion: "kubevirt.io/v1",
        kind: "VirtualMachine",
        metadata: { name: "plain", namespace: "edge" },
        spec: { template: { spec: { domain: { devices: {} } } } },
      };
      await real.stopFunction("nested-virt");
      try {
        const denied = await api.send(
          "POST",
          "/apis/kubevirt.io/v1/namespaces/default/virtualmachines?dryRun=All",
          asks?.object,
        );
        expect(denied.status).to.equal(500);
        expect((denied.body as { message: string }).message).to.match(
          /^Internal error occurred: failed calling webhook "nested-virt\.vm-feature-manager\.io": /,
        );
        expect(await dryRun(api, plain)).to.deep.equal(plain);
      } finally {
        await real.startFunction("nested-virt");
      }
      expect(await dryRun(api, asks?.object as KubeObject)).to.deep.equal(
        await previewOf(asks?.object as KubeObject),
      );
    });

    it("should deny (failurePolicy Fail) only the launcher pods that ask imds-injector, and admit the rest", async () => {
      const pods = exampleInputs().filter((e) => e.object.kind === "Pod");
      const asks = pods.find((p) => p.file === "launcher-pod-imds.yaml")?.object as KubeObject;
      // The same pod from a VM that does not ask for instance metadata.
      const quiet = structuredClone(asks);
      delete quiet.metadata?.annotations?.["imds.kubevirt.io/enabled"];
      const create = async (pod: KubeObject): Promise<number> => {
        const path = await api.path("v1", "Pod", pod.metadata?.namespace);
        return (await api.send("POST", `${path}?dryRun=All`, pod)).status;
      };
      await real.stopFunction("imds-injector");
      try {
        expect(await create(asks)).to.equal(500);
        expect(await create(quiet)).to.equal(201);
      } finally {
        await real.startFunction("imds-injector");
      }
      expect(await create(asks)).to.equal(201);
    });
  });
});
