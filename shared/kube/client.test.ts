import { expect } from "chai";
import { ClusterError } from "../admission/errors.ts";
import { FakeKubeApi, useKubeconfig } from "../../test/helpers/fake-kube-api.ts";
import { clusterError, loadCoreClient } from "./client.ts";

describe("loadCoreClient", () => {
  const api = new FakeKubeApi();
  let restoreKubeconfig: () => void;

  before(async () => {
    await api.start();
    restoreKubeconfig = useKubeconfig(api);
  });
  after(async () => {
    restoreKubeconfig();
    await api.stop();
  });

  it("should read nodes through KUBECONFIG with the configured credentials", async () => {
    api.addNode("n1", { a: "b" });
    const { api: core } = await loadCoreClient();
    const list = await core.listNode();
    expect(list.items.map((n) => n.metadata?.name)).to.deep.equal(["n1"]);
    expect(api.requests.at(-1)?.authorization).to.equal("Bearer fake-token");
  });

  it("should abort a call that outlives its signal", async () => {
    api.mode = "hang";
    const client = await loadCoreClient();
    const signal = AbortSignal.timeout(100);
    const error = await client.api.listNode({}, client.abortWith(signal)).then(
      () => undefined,
      (e: unknown) => e,
    );
    api.mode = "ok";
    const mapped = clusterError("nodes", error, signal);
    expect(mapped).to.be.instanceOf(ClusterError);
    expect(mapped.message).to.equal(
      "reading nodes from the Kubernetes API took longer than the lookup deadline",
    );
  });
});

describe("clusterError and loadCoreClient without a usable cluster", () => {
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
    const { api: core } = await loadCoreClient();
    const error = await core.listNode().then(
      () => undefined,
      (e: unknown) => e,
    );
    const mapped = clusterError("nodes", error);
    expect([mapped.message, mapped.fix]).to.deep.equal([
      "could not reach the Kubernetes API to read nodes (ECONNREFUSED)",
      "check that the API server is reachable from the function (in-cluster config or KUBECONFIG)",
    ]);
  });

  it("should say which setting to fix when KUBECONFIG names no file", async () => {
    restoreKubeconfig = useKubeconfig("/nonexistent/kubeconfig");
    const error = await loadCoreClient().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ClusterError);
    const { message, fix } = error as ClusterError;
    expect([message, fix]).to.deep.equal([
      "could not load the Kubernetes client configuration (ENOENT: no such file or directory, open '/nonexistent/kubeconfig')",
      "in the cluster leave KUBECONFIG unset so the pod's ServiceAccount is used; elsewhere point KUBECONFIG at a readable kubeconfig",
    ]);
  });
});
