import { expect } from "chai";
import { ClusterError } from "../../shared/basics/errors.ts";
import { connectOwned } from "../../shared/kube/api-writes.ts";
import { FakeKubeApi, useKubeconfig } from "../../test/helpers/fake-kube-api.ts";
import { publishLabels, publishNode } from "./publish.ts";

const LABELS = {
  "cpu.vm-feature-manager.io/vendor": "intel",
  "cpu.vm-feature-manager.io/virtualization": "vmx",
  "cpu.vm-feature-manager.io/nested": "true",
};

const INVENTORY_KEY = "pci.vm-feature-manager.io/devices";

describe("publishLabels", () => {
  let api: FakeKubeApi;
  let restoreKubeconfig: () => void;

  beforeEach(async () => {
    api = new FakeKubeApi();
    await api.start();
    restoreKubeconfig = useKubeconfig(api);
  });
  afterEach(async () => {
    restoreKubeconfig();
    await api.stop();
  });

  it("should merge-patch the labels and keep the node's others when they differ", async () => {
    api.addNode("worker-1", {
      "kubernetes.io/hostname": "worker-1",
      "cpu.vm-feature-manager.io/nested": "false",
    });
    const result = await publishLabels(await connectOwned(), "worker-1", LABELS, 2000);
    expect(result).to.deep.equal({ changed: true, labels: LABELS });
    expect(api.node("worker-1")?.metadata.labels).to.deep.equal({
      "kubernetes.io/hostname": "worker-1",
      ...LABELS,
    });
    expect(api.requests.map((r) => [r.method, r.path, r.contentType])).to.deep.equal([
      ["GET", "/api/v1/nodes/worker-1", ""],
      ["PATCH", "/api/v1/nodes/worker-1", "application/merge-patch+json"],
    ]);
    expect(api.requests[1]?.body).to.deep.equal({ metadata: { labels: LABELS } });
  });

  it("should only read the node when it already carries the labels", async () => {
    api.addNode("worker-1", { "kubernetes.io/hostname": "worker-1", ...LABELS });
    const result = await publishLabels(await connectOwned(), "worker-1", LABELS, 2000);
    expect(result).to.deep.equal({ changed: false, labels: LABELS });
    expect(api.requests.map((r) => r.method)).to.deep.equal(["GET"]);
  });

  it("should merge-patch labels and annotations together and keep the node's other annotations", async () => {
    api.put({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "worker-1", labels: LABELS, annotations: { "other.io/a": "b" } },
    });
    const facts = { labels: LABELS, annotations: { [INVENTORY_KEY]: "[]" } };
    const result = await publishNode(await connectOwned(), "worker-1", facts, 2000);
    expect(result).to.deep.equal({ changed: true, ...facts });
    expect(api.node("worker-1")?.metadata["annotations"]).to.deep.equal({
      "other.io/a": "b",
      [INVENTORY_KEY]: "[]",
    });
    expect(api.requests[1]?.body).to.deep.equal({ metadata: facts });
  });

  it("should only read the node when it carries the labels and the annotation", async () => {
    const annotations = { [INVENTORY_KEY]: "[]" };
    api.put({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "worker-1", labels: LABELS, annotations },
    });
    const result = await publishNode(
      await connectOwned(),
      "worker-1",
      { labels: LABELS, annotations },
      2000,
    );
    expect(result).to.deep.equal({ changed: false, labels: LABELS, annotations });
    expect(api.requests.map((r) => r.method)).to.deep.equal(["GET"]);
  });

  it("should name NODE_NAME and the downward API when the node does not exist", async () => {
    const error = await failure(publishLabels(await connectOwned(), "ghost", LABELS, 2000));
    expect([error.message, error.fix]).to.deep.equal([
      'node "ghost" does not exist in the cluster',
      "set NODE_NAME from the pod's spec.nodeName through the downward API (fieldRef), as knative/cpu-labeller.yaml does",
    ]);
  });

  it("should name the ClusterRole when the API refuses", async () => {
    api.addNode("worker-1", {});
    api.mode = "forbidden";
    const error = await failure(publishLabels(await connectOwned(), "worker-1", LABELS, 2000));
    expect([error.message, error.fix]).to.deep.equal([
      'the Kubernetes API refused to let the function read node "worker-1" (HTTP 403)',
      "bind the cpu-labeller ServiceAccount to the ClusterRole in knative/cpu-labeller.yaml (nodes: get, patch)",
    ]);
  });

  it("should give up at the deadline when the API does not answer", async () => {
    api.addNode("worker-1", {});
    api.mode = "hang";
    const error = await failure(publishLabels(await connectOwned(), "worker-1", LABELS, 100));
    expect([error.message, error.fix]).to.deep.equal([
      'reading node "worker-1" from the Kubernetes API took longer than the lookup deadline',
      "check the API server's health, or raise CLUSTER_LOOKUP_DEADLINE_MS (keep it under the webhook timeoutSeconds)",
    ]);
  });

  it("should say the API is unreachable when its server has gone away", async () => {
    api.addNode("worker-1", {});
    await api.stop();
    const error = await failure(publishLabels(await connectOwned(), "worker-1", LABELS, 2000));
    expect([error.message, error.fix]).to.deep.equal([
      'could not reach the Kubernetes API to read node "worker-1" (ECONNREFUSED)',
      "check that the API server is reachable from the function (in-cluster config or KUBECONFIG)",
    ]);
  });
});

async function failure(promise: Promise<unknown>): Promise<ClusterError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof ClusterError) return error;
  throw new Error(`expected a ClusterError, got ${String(error)}`);
}
