import { expect } from "chai";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../../shared/runtime/log.ts";
import { FakeKubeApi, useKubeconfig } from "../../test/helpers/fake-kube-api.ts";
import type { LabellerConfig } from "./config.ts";
import { fakeHost } from "./fixtures/host.ts";
import { fakePciSys } from "./fixtures/pci-host.ts";
import { answerFor, startLabeller, startLoop } from "./loop.ts";
import type { LabellerLoop } from "./loop.ts";

const AMD_NESTED = {
  "cpu.vm-feature-manager.io/vendor": "amd",
  "cpu.vm-feature-manager.io/virtualization": "svm",
  "cpu.vm-feature-manager.io/nested": "true",
};

describe("startLabeller", () => {
  let api: FakeKubeApi;
  let loop: LabellerLoop | undefined;
  let restoreKubeconfig: () => void;
  const logged: [string, string][] = [];
  const log: Logger = (level, message) => void logged.push([level, message]);

  beforeEach(async () => {
    api = new FakeKubeApi();
    await api.start();
    restoreKubeconfig = useKubeconfig(api);
    logged.length = 0;
  });
  afterEach(async () => {
    loop?.stop();
    loop = undefined;
    restoreKubeconfig();
    await api.stop();
  });

  function config(intervalMs: number): LabellerConfig {
    const host = fakeHost("amd-epyc-7763", { module: "kvm_amd", value: "1\n" });
    return { node: "worker-1", intervalMs, deadlineMs: 1000, ...host };
  }

  it("should label its node and answer 200 when the first publish succeeds", async () => {
    api.addNode("worker-1", { "kubernetes.io/os": "linux" });
    loop = startLabeller(config(60_000), log);
    const state = await loop.next();
    expect(api.node("worker-1")?.metadata.labels).to.deep.equal({
      "kubernetes.io/os": "linux",
      ...AMD_NESTED,
    });
    expect({ ...state, publishedAt: typeof state.publishedAt }).to.deep.equal({
      node: "worker-1",
      labels: AMD_NESTED,
      publishedAt: "string",
      lastError: null,
    });
    expect(answerFor(state).status).to.equal(200);
    expect(logged).to.deep.equal([["info", "labels published"]]);
  });

  it("should keep the last labels, report the error and recover on a later tick when the API refuses once", async () => {
    api.addNode("worker-1", {});
    loop = startLabeller(config(20), log);
    const first = await loop.next();
    api.mode = "forbidden";
    const failed = await loop.next();
    expect(failed).to.deep.equal({
      node: "worker-1",
      labels: AMD_NESTED,
      publishedAt: first.publishedAt,
      lastError:
        'cpu-labeller: the Kubernetes API refused to let the function read node "worker-1" (HTTP 403). Fix: bind the cpu-labeller ServiceAccount to the ClusterRole in knative/cpu-labeller.yaml (nodes: get, patch)',
    });
    expect(answerFor(failed).status).to.equal(503);
    api.mode = "ok";
    const recovered = await loop.next();
    expect([recovered.lastError, answerFor(recovered).status]).to.deep.equal([null, 200]);
    expect(logged).to.deep.equal([
      ["info", "labels published"],
      ["error", failed.lastError],
      ["debug", "labels unchanged"],
    ]);
  });

  it("should answer 503 with the reason and keep running when the cluster is unreachable", async () => {
    api.addNode("worker-1", {});
    await api.stop();
    loop = startLabeller(config(20), log);
    const first = await loop.next();
    const second = await loop.next();
    expect(second).to.deep.equal(first);
    expect(second).to.deep.equal({
      node: "worker-1",
      labels: null,
      publishedAt: null,
      lastError:
        'cpu-labeller: could not reach the Kubernetes API to read node "worker-1" (ECONNREFUSED). Fix: check that the API server is reachable from the function (in-cluster config or KUBECONFIG)',
    });
    expect(answerFor(second).status).to.equal(503);
  });

  it("should name KUBECONFIG when the client configuration cannot be loaded", async () => {
    process.env["KUBECONFIG"] = "/nonexistent/kubeconfig";
    loop = startLabeller(config(60_000), log);
    const state = await loop.next();
    expect(state.lastError).to.equal(
      "cpu-labeller: could not load the Kubernetes client configuration (ENOENT: no such file or directory, open '/nonexistent/kubeconfig'). Fix: in the cluster leave KUBECONFIG unset so the pod's ServiceAccount is used; elsewhere point KUBECONFIG at a readable kubeconfig",
    );
  });

  it("should publish nothing and name PROC_ROOT when cpuinfo cannot be read", async () => {
    api.addNode("worker-1", {});
    loop = startLabeller({ ...config(60_000), procRoot: "/nonexistent-proc" }, log);
    const state = await loop.next();
    expect(state.lastError).to.equal(
      "cpu-labeller: could not read /nonexistent-proc/cpuinfo (ENOENT) (field PROC_ROOT). Fix: leave PROC_ROOT unset (/proc) in the DaemonSet, or point it at a directory holding the node's cpuinfo",
    );
    expect(api.requests).to.deep.equal([]);
  });

  const GPU = {
    address: "0000:65:00.0",
    vendor: "10de",
    device: "2236",
    class: "030200",
    driver: "vfio-pci",
    iommuGroup: "45",
  };
  const INVENTORY =
    '[{"address":"0000:65:00.0","id":"10de:2236","class":"030200","driver":"vfio-pci","iommuGroup":"45"}]';

  function pciHost(): LabellerConfig {
    const host = fakeHost("amd-epyc-7763", { module: "kvm_amd", value: "1\n" });
    fakePciSys([GPU], host.sysRoot);
    return { node: "worker-1", intervalMs: 20, deadlineMs: 1000, ...host };
  }

  it("should publish labels and the PCI inventory annotation in one merge patch", async () => {
    api.put({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "worker-1", annotations: { "kept.example.com/note": "x" } },
    });
    loop = startLabeller(pciHost(), log);
    await loop.next();
    expect(api.node("worker-1")?.metadata["annotations"]).to.deep.equal({
      "kept.example.com/note": "x",
      "pci.vm-feature-manager.io/devices": INVENTORY,
    });
    expect(api.requests.filter((r) => r.method === "PATCH").map((r) => r.body)).to.deep.equal([
      {
        metadata: {
          labels: AMD_NESTED,
          annotations: { "pci.vm-feature-manager.io/devices": INVENTORY },
        },
      },
    ]);
  });

  it("should write again only when the inventory changes (a device rebound to vfio-pci)", async () => {
    api.addNode("worker-1", {});
    const config = pciHost();
    loop = startLabeller(config, log);
    await loop.next();
    await loop.next();
    expect(api.requests.map((r) => r.method)).to.deep.equal(["GET", "PATCH", "GET"]);
    fakePciSys(
      [
        {
          address: "0000:ca:00.0",
          vendor: "10de",
          device: "2236",
          class: "030200",
          driver: "nvidia",
        },
      ],
      config.sysRoot,
    );
    await loop.next();
    const annotations = api.node("worker-1")?.metadata["annotations"] as Record<string, string>;
    expect(JSON.parse(annotations["pci.vm-feature-manager.io/devices"] ?? "")).to.deep.equal([
      JSON.parse(INVENTORY)[0],
      { address: "0000:ca:00.0", id: "10de:2236", class: "030200", driver: "nvidia" },
    ]);
  });

  it("should publish nothing and name SYS_ROOT when the PCI tree cannot be read", async () => {
    api.addNode("worker-1", {});
    const host = fakeHost("amd-epyc-7763", { module: "kvm_amd", value: "1\n" });
    mkdirSync(join(host.sysRoot, "bus", "pci"), { recursive: true });
    writeFileSync(join(host.sysRoot, "bus", "pci", "devices"), "");
    loop = startLabeller({ node: "worker-1", intervalMs: 60_000, deadlineMs: 1000, ...host }, log);
    const state = await loop.next();
    expect(state.lastError).to.equal(
      `cpu-labeller: could not read ${host.sysRoot}/bus/pci/devices (ENOTDIR) (field SYS_ROOT). Fix: mount the node's /sys readable (a plain container's read-only sysfs shows /sys/bus/pci), or point SYS_ROOT at it`,
    );
    expect(api.requests).to.deep.equal([]);
  });
});

describe("startLoop", () => {
  it("should attempt no more when stopped", async () => {
    let calls = 0;
    const labels = { a: "b" };
    const loop = startLoop({
      node: "n",
      intervalMs: 5,
      publishOnce: async () => {
        calls += 1;
        return { changed: true, labels };
      },
      log: () => undefined,
    });
    await loop.next();
    loop.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).to.equal(1);
  });
});

describe("answerFor", () => {
  it("should answer 503 before the first publish has finished", () => {
    const state = { node: "n", labels: null, publishedAt: null, lastError: null };
    expect(answerFor(state)).to.deep.equal({ status: 503, body: state });
  });
});
