// The whole product as a cluster runs it: every mutating function started as its container runs
// it (dist/main.js, FUNCTION_TARGET), the shipped nginx front door in front of them with a
// certificate for vm-feature-webhooks.vm-feature-functions.svc, the local API server holding the
// example cluster (examples/cluster.yaml), and this test playing the API server: for each example
// VM and launcher pod it walks knative/webhooks.yaml's entries in order, calls those whose rules,
// selectors and matchConditions select the object (HTTPS with SNI and the CA), applies each patch
// before the next call, then makes the reinvocation pass, which must yield no patch. The result
// must be what `npm run preview` shows for the same object, with every entry and with each one
// removed.
import { expect } from "chai";
import jsonpatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { mutators } from "../functions/mutators.ts";
import { syncRulesNamespaces } from "../functions/nested-virt/webhook-namespaces.ts";
import type { AdmissionReview, AdmissionReviewResponse } from "../shared/admission/types.ts";
import type { KubeObject } from "../shared/basics/kube-object.ts";
import { calls } from "../shared/webhooks/dispatch.ts";
import type { WebhookEntry } from "../shared/webhooks/entry.ts";
import { functionOf, webhookEntries as entriesOf } from "../shared/webhooks/entry.ts";
import { admissionRequest } from "../shared/webhooks/request.ts";
import { snapshotReader } from "../shared/kube/snapshot-reader.ts";
import { inChainOrder } from "../shared/preview/chain.ts";
import { namespaceLabels } from "../shared/preview/namespace.ts";
import { preview } from "../shared/preview/run.ts";
import { parseObjects } from "../shared/preview/snapshot.ts";
import type { FakeObject } from "./helpers/fake-kube-api.ts";
import { FakeKubeApi } from "./helpers/fake-kube-api.ts";
import type { FrontDoor } from "./helpers/front-door.ts";
import { startFrontDoor } from "./helpers/front-door.ts";
import type { RunningFunction } from "./helpers/function-process.ts";
import { startFunction } from "./helpers/function-process.ts";
import { exampleInputs } from "./helpers/examples.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const EXAMPLES = `${ROOT}examples/`;

/**
 * knative/webhooks.yaml as an operator deploys it for the example cluster: nested-virt's namespace
 * list derived from that cluster's rules ConfigMap (npm run sync-rules-namespaces).
 */
function webhookEntries(cluster: readonly KubeObject[]): WebhookEntry[] {
  const shipped = readFileSync(`${ROOT}knative/webhooks.yaml`, "utf8");
  return entriesOf(syncRulesNamespaces(cluster, shipped), "knative/webhooks.yaml");
}

function reviewOf(object: KubeObject, uid: string): AdmissionReview {
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: admissionRequest(structuredClone(object), { uid, dryRun: false }),
  };
}

interface ChainRun {
  object: KubeObject;
  patches: Record<string, Operation[]>;
  /** Patches the reinvocation pass produced: none, when every function is idempotent. */
  reinvoked: Record<string, Operation[]>;
}

describe("the whole chain behind the TLS front door, played like the API server", function () {
  this.timeout(60_000);
  const api = new FakeKubeApi();
  const cluster = parseObjects(readFileSync(`${EXAMPLES}cluster.yaml`, "utf8"), "cluster.yaml");
  const entries = webhookEntries(cluster);
  const functions: RunningFunction[] = [];
  let door: FrontDoor;
  let uid = 0;

  before(async () => {
    await api.start();
    for (const object of cluster) api.put(object as FakeObject);
    const kubeconfig = api.writeKubeconfig();
    const routes: Record<string, string> = {};
    for (const name of entries.map(functionOf)) {
      const fn = await startFunction(name, { KUBECONFIG: kubeconfig }, "dist/main.js");
      functions.push(fn);
      routes[name] = fn.url;
    }
    door = await startFrontDoor(routes);
  });
  after(async () => {
    await door?.stop();
    for (const fn of functions) await fn.stop();
    await api.stop();
  });

  async function pass(
    chain: readonly WebhookEntry[],
    start: KubeObject,
  ): Promise<{ object: KubeObject; patches: Record<string, Operation[]> }> {
    let object = structuredClone(start);
    const patches: Record<string, Operation[]> = {};
    for (const hook of chain) {
      const review = reviewOf(object, `chain-${(uid += 1)}`);
      const namespace = review.request.namespace ?? "";
      const labels = await namespaceLabels(snapshotReader(cluster), namespace);
      if (!calls(hook, review.request, labels)) continue;
      const answer = await door.review(functionOf(hook), review);
      expect(answer.status, answer.body).to.equal(200);
      const { response } = JSON.parse(answer.body) as AdmissionReviewResponse;
      expect(response.uid).to.equal(review.request.uid);
      expect(response.allowed, response.status?.message).to.equal(true);
      const ops = response.patch
        ? (JSON.parse(Buffer.from(response.patch, "base64").toString()) as Operation[])
        : [];
      patches[functionOf(hook)] = ops;
      object = jsonpatch.applyPatch(object, ops, true, false).newDocument;
    }
    return { object, patches };
  }

  async function runChain(chain: readonly WebhookEntry[], start: KubeObject): Promise<ChainRun> {
    const first = await pass(chain, start);
    const again = await pass(chain, first.object);
    return { ...first, reinvoked: again.patches };
  }

  async function previewOf(
    chain: readonly WebhookEntry[],
    object: KubeObject,
  ): Promise<KubeObject> {
    const links = inChainOrder(
      mutators.map((build) => build()),
      chain,
    );
    return (await preview(object, links, snapshotReader(cluster))).object;
  }

  const noPatches = (patches: Record<string, Operation[]>): Record<string, Operation[]> =>
    Object.fromEntries(Object.keys(patches).map((name) => [name, []]));

  for (const { file, object } of exampleInputs()) {
    it(`should admit examples/${file} through every entry, idempotently, as the preview shows`, async () => {
      const run = await runChain(entries, object);
      expect(run.reinvoked).to.deep.equal(noPatches(run.reinvoked));
      expect(run.object).to.deep.equal(await previewOf(entries, object));
    });
  }

  it("should still admit every example with any one entry removed, as the preview shows", async () => {
    for (const removed of entries) {
      const chain = entries.filter((e) => e !== removed);
      for (const { file, object } of exampleInputs()) {
        const run = await runChain(chain, object);
        expect(run.reinvoked, `${file} without ${removed.name}`).to.deep.equal(
          noPatches(run.reinvoked),
        );
        expect(run.object, `${file} without ${removed.name}`).to.deep.equal(
          await previewOf(chain, object),
        );
        expect(Object.keys(run.patches)).to.not.include(functionOf(removed));
      }
    }
  });

  it("should have changed at least one example through each function", async () => {
    const changedBy = new Set<string>();
    for (const { object } of exampleInputs()) {
      const run = await runChain(entries, object);
      for (const [name, ops] of Object.entries(run.patches))
        if (ops.length > 0) changedBy.add(name);
    }
    expect([...changedBy].sort()).to.deep.equal(entries.map(functionOf).sort());
  });
});
