import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeKubeApi } from "../../test/helpers/fake-kube-api.ts";
import { issueServerCertificate } from "../../test/helpers/tls.ts";
import { ClusterError } from "../basics/errors.ts";
import type { ApiConnection } from "./api-transport.ts";
import { inClusterConnection, missingConfiguration, SERVICE_ACCOUNT } from "./in-cluster.ts";
import { NODE } from "./kinds.ts";
import { connectObjects } from "./api-reads.ts";
import { connectOwned } from "./api-writes.ts";

const caught = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe("inClusterConnection: the pod's ServiceAccount against the local API server (HTTPS, own CA)", () => {
  const api = new FakeKubeApi();
  let pod: ReturnType<FakeKubeApi["writeServiceAccount"]>;
  const inPod = (clock?: () => number): ApiConnection => {
    const connection = inClusterConnection(pod.env, pod.root, clock);
    if (!connection) throw new Error("the mounted ServiceAccount was not chosen");
    return connection;
  };

  before(async () => {
    await api.start();
    api.addNode("n1", { a: "b" });
  });
  beforeEach(() => {
    pod = api.writeServiceAccount("token-1");
  });
  afterEach(() => rmSync(pod.root, { recursive: true, force: true }));
  after(() => api.stop());

  it("should list through the mounted token and CA, as a reader does", async () => {
    const before = api.requests.length;
    const objects = await connectObjects(() => Promise.resolve(inPod()));
    const nodes = await objects.list(NODE, {}, AbortSignal.timeout(2000));
    expect(nodes).to.have.length(1);
    expect(api.requests.slice(before).map((r) => [r.path, r.authorization])).to.deep.equal([
      ["/api/v1", "Bearer token-1"],
      ["/api/v1/nodes", "Bearer token-1"],
    ]);
  });

  it("should re-read a rotated token once the one it holds is a minute old, and keep it if the file is gone", async () => {
    let now = 1_000_000;
    const owned = await connectOwned(() => Promise.resolve(inPod(() => now)));
    const read = async (): Promise<string | undefined> => {
      await owned.read({ kind: NODE, namespace: "", name: "n1" }, AbortSignal.timeout(2000));
      return api.requests.at(-1)?.authorization;
    };
    writeFileSync(join(pod.root, "token"), "token-2\n");
    now += 59_000;
    expect(await read()).to.equal("Bearer token-1");
    now += 2_000;
    expect(await read()).to.equal("Bearer token-2");
    rmSync(join(pod.root, "token"));
    now += 61_000;
    expect(await read()).to.equal("Bearer token-2");
  });

  // vbios-injection's first write followed its reads over a handshake of its own.
  it("should carry reads and writes on one kept-alive TLS connection", async () => {
    const fresh = new FakeKubeApi();
    await fresh.start();
    fresh.addNode("n1", {});
    const connection = inClusterConnection(fresh.writeServiceAccount().env, pod.root);
    if (!connection) throw new Error("the mounted ServiceAccount was not chosen");
    const objects = await connectObjects(() => Promise.resolve(connection));
    const owned = await connectOwned(() => Promise.resolve(connection));
    await objects.list(NODE, {}, AbortSignal.timeout(2000));
    await owned.read({ kind: NODE, namespace: "", name: "n1" }, AbortSignal.timeout(2000));
    await fresh.stop();
    expect([fresh.requests.length, fresh.handshakes]).to.deep.equal([3, 1]);
  });

  it("should refuse a server its mounted CA did not sign", async () => {
    const other = await issueServerCertificate(["127.0.0.1"]);
    writeFileSync(join(pod.root, "ca.crt"), other.ca);
    const objects = await connectObjects(() => Promise.resolve(inPod()));
    const error = await objects.list(NODE, {}, AbortSignal.timeout(2000)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as { code?: unknown } | undefined)?.code).to.match(/CERT|SIGNATURE/);
  });

  it("should leave the configuration to client-node with KUBECONFIG, a ~/.kube/config, or no token", () => {
    const home = mkdtempSync(join(tmpdir(), "home-"));
    mkdirSync(join(home, ".kube"));
    writeFileSync(join(home, ".kube", "config"), "");
    expect(inClusterConnection({ ...pod.env, KUBECONFIG: "/some/file" }, pod.root)).to.equal(
      undefined,
    );
    expect(inClusterConnection({ ...pod.env, HOME: home }, pod.root)).to.equal(undefined);
    rmSync(join(pod.root, "token"));
    expect(inClusterConnection(pod.env, pod.root)).to.equal(undefined);
    rmSync(home, { recursive: true });
  });

  it("should take an empty KUBECONFIG as unset, as client-node does", () => {
    const { KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: port } = pod.env;
    expect(inClusterConnection({ ...pod.env, KUBECONFIG: "" }, pod.root)?.server).to.equal(
      `https://${host}:${port}`,
    );
  });

  it("should bracket an IPv6 service host and speak HTTP on kubectl proxy's ports", () => {
    const server = (host: string, port: string): string | undefined =>
      inClusterConnection(
        { KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: port },
        pod.root,
      )?.server;
    expect(server("fd00::1", "443")).to.equal("https://[fd00::1]:443");
    expect(server("10.43.0.1", "8001")).to.equal("http://10.43.0.1:8001");
  });

  it("should name the missing variable and the CA it cannot read, with the fix", () => {
    const unset = caught(() => inClusterConnection({}, pod.root));
    expect(unset).to.be.instanceOf(ClusterError);
    expect((unset as ClusterError).message).to.equal(
      "the ServiceAccount token is mounted but KUBERNETES_SERVICE_HOST or KUBERNETES_SERVICE_PORT is unset",
    );
    rmSync(join(pod.root, "ca.crt"));
    const noCa = caught(() => inClusterConnection(pod.env, pod.root));
    expect(noCa).to.be.instanceOf(ClusterError);
    expect((noCa as ClusterError).message).to.match(/^could not read the cluster's CA \(ENOENT/);
    expect((noCa as ClusterError).fix).to.equal(
      "run the function in a pod whose ServiceAccount token is mounted (automountServiceAccountToken), or point KUBECONFIG at a kubeconfig",
    );
  });
});

describe("no cluster configuration at all", () => {
  const home = mkdtempSync(join(tmpdir(), "no-kube-home-"));
  const root = mkdtempSync(join(tmpdir(), "no-service-account-"));
  const NONE = {
    message: `no cluster configuration: KUBECONFIG is unset, there is no ${home}/.kube/config and no ServiceAccount token at ${root}`,
    fix: "set KUBECONFIG to the cluster's kubeconfig (the one kubectl uses), or run the function in a pod with its ServiceAccount token mounted",
  };
  after(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it("should say that none of the three is there, and what to set", () => {
    const error = missingConfiguration({ HOME: home, KUBECONFIG: "" }, root);
    expect(error).to.be.instanceOf(ClusterError);
    expect({ message: error?.message, fix: error?.fix }).to.deep.equal(NONE);
  });

  it("should find nothing missing with any one of them", () => {
    expect(missingConfiguration({ HOME: home, KUBECONFIG: "/k" }, root)).to.equal(undefined);
    mkdirSync(join(home, ".kube"));
    writeFileSync(join(home, ".kube", "config"), "");
    expect(missingConfiguration({ HOME: home }, root)).to.equal(undefined);
    rmSync(join(home, ".kube"), { recursive: true });
    writeFileSync(join(root, "token"), "t");
    expect(missingConfiguration({ HOME: home }, root)).to.equal(undefined);
    rmSync(join(root, "token"));
  });

  it("should be what a function's first read answers, not client-node's refusal of plain HTTP", async () => {
    const saved = { HOME: process.env["HOME"], KUBECONFIG: process.env["KUBECONFIG"] };
    process.env["HOME"] = home;
    delete process.env["KUBECONFIG"];
    try {
      const error = await connectObjects().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ClusterError);
      expect((error as ClusterError).message).to.equal(
        `no cluster configuration: KUBECONFIG is unset, there is no ${home}/.kube/config and no ServiceAccount token at ${SERVICE_ACCOUNT}`,
      );
    } finally {
      for (const [key, value] of Object.entries(saved))
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
    }
  });
});
