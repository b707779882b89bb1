import { expect } from "chai";
import { ClusterError } from "../admission/errors.ts";
import { FakeKubeApi } from "../../test/helpers/fake-kube-api.ts";
import { clusterError, loadCoreClient } from "./client.ts";

describe("loadCoreClient", () => {
  const api = new FakeKubeApi();
  let previous: string | undefined;

  before(async () => {
    await api.start();
    previous = process.env["KUBECONFIG"];
    process.env["KUBECONFIG"] = api.writeKubeconfig();
  });
  after(async () => {
    if (previous === undefined) delete process.env["KUBECONFIG"];
    else process.env["KUBECONFIG"] = previous;
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
