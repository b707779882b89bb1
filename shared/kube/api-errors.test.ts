import { expect } from "chai";
import { ClusterError } from "../basics/errors.ts";
import { FakeKubeApi, servedFakeKubeApi, useKubeconfig } from "../../test/helpers/fake-kube-api.ts";
import { clusterError, statusOf } from "./api-errors.ts";
import { CONFIG_MAP, NODE } from "./kinds.ts";
import { connectOwned } from "./api-writes.ts";

const caught = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe("connectOwned", () => {
  const api = servedFakeKubeApi();
  beforeEach(() => {
    api.mode = "ok";
  });

  it("should read a node through KUBECONFIG with the configured credentials, and no discovery", async () => {
    api.addNode("n1", { a: "b" });
    const before = api.requests.length;
    const node = await (
      await connectOwned()
    ).read({ kind: NODE, namespace: "", name: "n1" }, AbortSignal.timeout(2000));
    expect(node.metadata?.labels).to.deep.equal({ a: "b" });
    expect(api.requests.slice(before).map((r) => [r.path, r.authorization])).to.deep.equal([
      ["/api/v1/nodes/n1", "Bearer fake-token"],
    ]);
  });

  it("should create, replace and merge-patch a namespaced object by name", async () => {
    const owned = await connectOwned();
    const signal = AbortSignal.timeout(2000);
    const body = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "mine", namespace: "lab" },
      data: { a: "1" },
    };
    await owned.create(CONFIG_MAP, body, signal);
    await owned.replace(CONFIG_MAP, { ...body, data: { a: "2" } }, signal);
    await owned.mergePatch(
      { kind: CONFIG_MAP, namespace: "lab", name: "mine" },
      { data: { b: "3" } },
      signal,
    );
    expect(api.object(CONFIG_MAP, "lab", "mine")?.["data"]).to.deep.equal({ a: "2", b: "3" });
    expect(api.requests.slice(-3).map((r) => [r.method, r.path, r.contentType])).to.deep.equal([
      ["POST", "/api/v1/namespaces/lab/configmaps", "application/json"],
      ["PUT", "/api/v1/namespaces/lab/configmaps/mine", "application/json"],
      ["PATCH", "/api/v1/namespaces/lab/configmaps/mine", "application/merge-patch+json"],
    ]);
    const again = await caught(owned.create(CONFIG_MAP, body, signal));
    expect(statusOf(again)).to.equal(409);
  });

  it("should give a missing object's 404 as the error's code", async () => {
    const error = await caught(
      (await connectOwned()).read(
        { kind: NODE, namespace: "", name: "ghost" },
        AbortSignal.timeout(2000),
      ),
    );
    expect(statusOf(error)).to.equal(404);
  });

  it("should abort a call that outlives its signal", async () => {
    api.mode = "hang";
    const owned = await connectOwned();
    const signal = AbortSignal.timeout(100);
    const mapped = clusterError(
      "nodes",
      await caught(owned.read({ kind: NODE, namespace: "", name: "n1" }, signal)),
      signal,
    );
    expect(mapped).to.be.instanceOf(ClusterError);
    expect(mapped.message).to.equal(
      "reading nodes from the Kubernetes API took longer than the lookup deadline",
    );
  });
});

describe("clusterError and connectOwned without a usable cluster", () => {
  let restoreKubeconfig: (() => void) | undefined;

  afterEach(() => {
    restoreKubeconfig?.();
    restoreKubeconfig = undefined;
  });

  it("should name the socket code when the API server refuses connections", async () => {
    const api = new FakeKubeApi();
    await api.start();
    restoreKubeconfig = useKubeconfig(api);
    await api.stop();
    const owned = await connectOwned();
    const mapped = clusterError(
      "nodes",
      await caught(
        owned.read({ kind: NODE, namespace: "", name: "n1" }, AbortSignal.timeout(2000)),
      ),
    );
    expect([mapped.message, mapped.fix]).to.deep.equal([
      "could not reach the Kubernetes API to read nodes (ECONNREFUSED)",
      "check that the API server is reachable from the function (in-cluster config or KUBECONFIG)",
    ]);
  });

  it("should say which setting to fix when KUBECONFIG names no file", async () => {
    restoreKubeconfig = useKubeconfig("/nonexistent/kubeconfig");
    const error = await caught(connectOwned());
    expect(error).to.be.instanceOf(ClusterError);
    const { message, fix } = error as ClusterError;
    expect([message, fix]).to.deep.equal([
      "could not load the Kubernetes client configuration (ENOENT: no such file or directory, open '/nonexistent/kubeconfig')",
      "in the cluster leave KUBECONFIG unset so the pod's ServiceAccount is used; elsewhere point KUBECONFIG at a readable kubeconfig",
    ]);
  });
});
