import { expect } from "chai";
import { FakeKubeApi } from "../../test/helpers/fake-kube-api.ts";
import { startFunction } from "../../test/helpers/function-process.ts";
import type { RunningFunction } from "../../test/helpers/function-process.ts";
import { fakeHost } from "./fixtures/host.ts";
import { BUILD_MACHINE_SYS } from "./fixtures/pci-host.ts";

/** GETs until the first publish has finished (it runs beside the server, not before it). */
async function settledAnswer(url: string): Promise<{ status: number; body: unknown }> {
  for (let tries = 0; tries < 100; tries += 1) {
    const res = await fetch(url);
    const body = (await res.json()) as { publishedAt: unknown; lastError: unknown };
    if (body.publishedAt !== null || body.lastError !== null) return { status: res.status, body };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the first publish never finished");
}

describe("cpu-labeller served by main.ts", () => {
  const api = new FakeKubeApi();
  let served: RunningFunction | undefined;

  before(() => api.start());
  afterEach(async () => {
    if (served) await served.stop();
    served = undefined;
  });
  after(() => api.stop());

  it("should label its node from the host files and answer GET with 200 and the labels", async () => {
    api.addNode("worker-7", { "kubernetes.io/os": "linux" });
    const host = fakeHost("intel-xeon-gold-6338", { module: "kvm_intel", value: "Y\n" });
    served = await startFunction("cpu-labeller", {
      NODE_NAME: "worker-7",
      KUBECONFIG: api.writeKubeconfig(),
      PROC_ROOT: host.procRoot,
      SYS_ROOT: host.sysRoot,
      LOG_LEVEL: "silent",
    });
    const answer = await settledAnswer(served.url);
    const labels = {
      "cpu.vm-feature-manager.io/vendor": "intel",
      "cpu.vm-feature-manager.io/virtualization": "vmx",
      "cpu.vm-feature-manager.io/nested": "true",
    };
    expect(api.node("worker-7")?.metadata.labels).to.deep.equal({
      "kubernetes.io/os": "linux",
      ...labels,
    });
    const body = answer.body as Record<string, unknown>;
    expect(answer.status).to.equal(200);
    expect({ ...body, publishedAt: typeof body["publishedAt"] }).to.deep.equal({
      node: "worker-7",
      labels,
      publishedAt: "string",
      lastError: null,
    });
  });

  it("should publish the PCI inventory read from SYS_ROOT as the node's annotation", async () => {
    api.addNode("worker-8", {});
    const host = fakeHost("intel-xeon-gold-6338");
    served = await startFunction("cpu-labeller", {
      NODE_NAME: "worker-8",
      KUBECONFIG: api.writeKubeconfig(),
      PROC_ROOT: host.procRoot,
      SYS_ROOT: BUILD_MACHINE_SYS,
      LOG_LEVEL: "silent",
    });
    expect((await settledAnswer(served.url)).status).to.equal(200);
    const annotations = api.node("worker-8")?.metadata["annotations"] as Record<string, string>;
    const inventory = JSON.parse(annotations["pci.vm-feature-manager.io/devices"] ?? "") as {
      address: string;
    }[];
    expect(inventory.map((d) => d.address)).to.deep.equal([
      "0000:00:00.0",
      "0000:00:01.0",
      "0000:00:02.0",
      "0000:00:03.0",
      "0000:00:04.0",
      "0000:00:05.0",
    ]);
  });

  it("should stay up and answer 503 naming NODE_NAME when it is missing", async () => {
    served = await startFunction("cpu-labeller", {
      KUBECONFIG: api.writeKubeconfig(),
      LOG_LEVEL: "silent",
    });
    const res = await fetch(served.url);
    expect([res.status, await res.json()]).to.deep.equal([
      503,
      {
        node: null,
        labels: null,
        publishedAt: null,
        lastError:
          "cpu-labeller: NODE_NAME is not set, so the function does not know its node (field env NODE_NAME). Fix: set NODE_NAME from spec.nodeName with the downward API (valueFrom.fieldRef), as knative/cpu-labeller.yaml does",
      },
    ]);
  });

  it("should refuse methods other than GET with 405", async () => {
    served = await startFunction("cpu-labeller", { LOG_LEVEL: "silent" });
    const res = await fetch(served.url, { method: "POST", body: "{}" });
    expect([res.status, res.headers.get("allow"), await res.json()]).to.deep.equal([
      405,
      "GET, HEAD",
      {
        error: "method_not_allowed",
        message:
          "cpu-labeller: only GET is served (the last publish result); labels are published on a timer",
      },
    ]);
  });
});
