import { expect } from "chai";
import { ClusterError } from "../basics/errors.ts";
import type { MaybePromise } from "../runtime/maybe-promise.ts";
import { FakeKubeApi, useKubeconfig } from "../../test/helpers/fake-kube-api.ts";
import type { KindRef } from "./kinds.ts";
import { CONFIG_MAP, NODE } from "./kinds.ts";
import { liveReader } from "./live-reader.ts";
import type { ReaderSettings } from "./settings.ts";

const PCI_DEVICE: KindRef = { apiVersion: "devices.harvesterhci.io/v1beta1", kind: "PCIDevice" };
const VMI: KindRef = { apiVersion: "kubevirt.io/v1", kind: "VirtualMachineInstance" };

const settings = (overrides: Partial<ReaderSettings> = {}): ReaderSettings => ({
  ttlMs: 60_000,
  maxStaleMs: 300_000,
  deadlineMs: 1_000,
  maxEntries: 100,
  ...overrides,
});

const signal = (): AbortSignal => AbortSignal.timeout(5_000);

async function failure(answer: MaybePromise<unknown>): Promise<ClusterError> {
  expect(answer).to.be.instanceOf(Promise);
  const error = await Promise.resolve(answer).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(ClusterError);
  return error as ClusterError;
}

describe("liveReader through client-node against the local API server (HTTPS, own CA)", () => {
  const api = new FakeKubeApi();
  let restore: () => void;
  const logs: { message: string; fields: Record<string, unknown> | undefined }[] = [];
  const log = (_level: string, message: string, fields?: Record<string, unknown>): void => {
    logs.push({ message, fields });
  };
  const reader = (overrides: Partial<ReaderSettings> = {}): ReturnType<typeof liveReader> =>
    liveReader({ feature: "test-feature", settings: settings(overrides), log });

  before(async () => {
    await api.start();
    restore = useKubeconfig(api);
    api.addNode("n1", { zone: "a", gpu: "yes" });
    api.addNode("n2", { zone: "b" });
    api.setConfigMap("team-a", "rules", { default: "^vm-" });
    api.put({
      apiVersion: "kubevirt.io/v1",
      kind: "VirtualMachineInstance",
      metadata: { name: "vm-1", namespace: "team-a", labels: { app: "db" } },
      status: { phase: "Running", nodeName: "n1" },
    });
    api.put({
      apiVersion: "kubevirt.io/v1",
      kind: "VirtualMachineInstance",
      metadata: { name: "vm-2", namespace: "team-b" },
      status: { phase: "Pending" },
    });
  });
  after(async () => {
    restore();
    await api.stop();
  });
  beforeEach(() => {
    api.mode = "ok";
    logs.length = 0;
  });

  it("should get a namespaced built-in object as plain JSON, as the API sent it", async () => {
    const cm = await reader().get(CONFIG_MAP, "team-a", "rules", signal());
    expect(cm).to.deep.equal(api.object(CONFIG_MAP, "team-a", "rules"));
    expect(api.requests.at(-1)?.authorization).to.equal("Bearer fake-token");
  });

  it("should list a cluster-scoped built-in kind with a label selector, items carrying their kind", async () => {
    const nodes = await reader().list(NODE, { labelSelector: "zone in (a,c),gpu" }, signal());
    expect(nodes).to.deep.equal([{ ...api.node("n1") }]);
    expect(api.requests.at(-1)?.query).to.equal("?labelSelector=zone+in+%28a%2Cc%29%2Cgpu");
  });

  it("should list a custom kind in one namespace and across all, with a field selector", async () => {
    const r = reader();
    const inTeamA = await r.list(VMI, { namespace: "team-a" }, signal());
    expect(inTeamA === "absent" ? inTeamA : inTeamA.map((o) => o.metadata?.name)).to.deep.equal([
      "vm-1",
    ]);
    const pending = await r.list(VMI, { fieldSelector: "status.phase=Pending" }, signal());
    expect(pending === "absent" ? pending : pending.map((o) => o.metadata?.name)).to.deep.equal([
      "vm-2",
    ]);
  });

  it("should cache every query apart: kind, namespace, name and each selector", async () => {
    const r = reader();
    const names = (found: unknown): unknown =>
      found === "absent"
        ? found
        : (found as { metadata?: { name?: string } }[]).map((o) => o.metadata?.name);
    const reads = async (): Promise<unknown[]> => [
      names(await r.list(NODE, { labelSelector: "zone=a" }, signal())),
      names(await r.list(NODE, { labelSelector: "zone=b" }, signal())),
      names(await r.list(NODE, { fieldSelector: "metadata.name=n2" }, signal())),
      names(await r.list(VMI, { namespace: "team-a" }, signal())),
      names(await r.list(VMI, { namespace: "team-b" }, signal())),
      names(await r.list(VMI, {}, signal())),
      (await r.get(NODE, "", "n1", signal())) === "absent",
      (await r.get(VMI, "team-a", "vm-1", signal())) === "absent",
      (await r.get(VMI, "team-b", "vm-1", signal())) === "absent",
    ];
    const want = [["n1"], ["n2"], ["n2"], ["vm-1"], ["vm-2"], ["vm-1", "vm-2"], false, false, true];
    expect(await reads()).to.deep.equal(want);
    // Served from the cache the second time, each from its own entry.
    const before = api.requests.length;
    expect(await reads()).to.deep.equal(want);
    expect(api.requests.length).to.equal(before);
  });

  it("should hand over a fresh cached answer at once, and one it must read as a promise", async () => {
    const r = reader();
    const first = r.get(CONFIG_MAP, "team-a", "rules", signal());
    expect(first).to.be.instanceOf(Promise);
    const loaded = await first;
    const again = r.get(CONFIG_MAP, "team-a", "rules", signal());
    expect(again).not.to.be.instanceOf(Promise);
    expect(again).to.equal(loaded);
  });

  it("should answer absent for an object that does not exist (404)", async () => {
    expect(await reader().get(CONFIG_MAP, "team-a", "missing", signal())).to.equal("absent");
    expect(await reader().get(VMI, "team-a", "missing", signal())).to.equal("absent");
  });

  it("should answer absent, not fail, for a kind the cluster does not serve (CRD not installed)", async () => {
    const r = reader();
    expect(await r.list(PCI_DEVICE, {}, signal())).to.equal("absent");
    expect(await r.get(PCI_DEVICE, "", "node1-000001000", signal())).to.equal("absent");
    const discovery = api.requests.filter(
      (q) => q.path === "/apis/devices.harvesterhci.io/v1beta1",
    );
    expect(discovery).to.have.length(2);
  });

  it("should cache an answer for the TTL and read again after it", async () => {
    const r = reader({ ttlMs: 150 });
    await r.list(NODE, {}, signal());
    const before = api.requests.length;
    await r.list(NODE, {}, signal());
    expect(api.requests.length).to.equal(before);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await r.list(NODE, {}, signal());
    expect(api.requests.slice(before).map((q) => q.path)).to.deep.equal(["/api/v1/nodes"]);
  });

  it("should share one load between concurrent reads of the same query", async () => {
    const r = reader();
    await r.list(NODE, { labelSelector: "zone=b" }, signal()); // discovery and client out of the way
    const fresh = reader();
    const before = api.requests.length;
    await Promise.all([1, 2, 3].map(() => fresh.get(NODE, "", "n2", signal())));
    expect(api.requests.slice(before).filter((q) => q.path === "/api/v1/nodes/n2")).to.have.length(
      1,
    );
  });

  it("should serve the last answer with a warning in the log when a refresh fails, within maxStaleMs", async () => {
    const r = reader({ ttlMs: 1, maxStaleMs: 60_000 });
    const first = await r.get(CONFIG_MAP, "team-a", "rules", signal());
    await new Promise((resolve) => setTimeout(resolve, 5));
    api.mode = "error";
    expect(await r.get(CONFIG_MAP, "team-a", "rules", signal())).to.deep.equal(first);
    expect(logs.map((l) => [l.message, l.fields?.["feature"]])).to.deep.include([
      "serving cached cluster data after a failed refresh",
      "test-feature",
    ]);
  });

  it("should fail once the last answer is older than maxStaleMs", async () => {
    const r = reader({ ttlMs: 1, maxStaleMs: 20 });
    await r.get(CONFIG_MAP, "team-a", "rules", signal());
    await new Promise((resolve) => setTimeout(resolve, 40));
    api.mode = "error";
    const error = await failure(r.get(CONFIG_MAP, "team-a", "rules", signal()));
    expect(error.message).to.equal(
      "could not read ConfigMap team-a/rules from the Kubernetes API (HTTP 500)",
    );
  });

  it("should say what RBAC is missing when the API refuses (403)", async () => {
    api.mode = "forbidden";
    const error = await failure(reader().list(PCI_DEVICE, {}, signal()));
    expect([error.message, error.fix]).to.deep.equal([
      "the Kubernetes API refused to let the function read pcidevices (HTTP 403)",
      "grant the function's ServiceAccount the RBAC in knative/ (get/list on that resource)",
    ]);
  });

  it("should give up within the lookup deadline when the API hangs", async () => {
    const r = reader({ deadlineMs: 200 });
    await r.list(NODE, {}, signal()); // loads the client first, so only the hang is timed
    const slow = reader({ deadlineMs: 200 });
    api.mode = "hang";
    const started = Date.now();
    const error = await failure(slow.get(VMI, "team-a", "vm-1", AbortSignal.timeout(200)));
    expect(Date.now() - started).to.be.lessThan(1_000);
    expect(error.message).to.equal(
      "reading VirtualMachineInstance team-a/vm-1 from the Kubernetes API took longer than the lookup deadline",
    );
  });

  it("should name the socket error when the API drops the connection", async () => {
    api.mode = "reset";
    const error = await failure(reader().list(NODE, { namespace: "" }, signal()));
    expect(error.message).to.equal("could not reach the Kubernetes API to read nodes (ECONNRESET)");
  });

  it("should keep at most maxEntries distinct reads, dropping the least recently used", async () => {
    const r = reader({ maxEntries: 2 });
    await r.get(NODE, "", "n1", signal());
    await r.get(NODE, "", "n2", signal());
    await r.get(NODE, "", "n1", signal());
    await r.get(CONFIG_MAP, "team-a", "rules", signal()); // evicts n2, the least recently used
    const before = api.requests.length;
    await r.get(NODE, "", "n1", signal());
    await r.get(NODE, "", "n2", signal());
    expect(api.requests.slice(before).map((q) => q.path)).to.deep.equal(["/api/v1/nodes/n2"]);
  });
});

describe("liveReader without a usable configuration", () => {
  it("should fail every read with the setting to fix, and log it", async () => {
    const restore = useKubeconfig("/nonexistent/kubeconfig");
    const lines: string[] = [];
    try {
      const reader = liveReader({
        feature: "test-feature",
        settings: settings(),
        log: (_level, message) => lines.push(message),
      });
      const error = await failure(reader.list(NODE, {}, signal()));
      expect(error.message).to.match(
        /^could not load the Kubernetes client configuration \(ENOENT/,
      );
      expect(lines).to.deep.equal(["cluster client could not be loaded"]);
    } finally {
      restore();
    }
  });
});
