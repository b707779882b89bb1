import { expect } from "chai";
import type { AdmissionReviewResponse } from "../../shared/admission/types.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import type { FakeObject } from "../../test/helpers/fake-kube-api.ts";
import { FakeKubeApi } from "../../test/helpers/fake-kube-api.ts";
import { nodeObject } from "../../test/helpers/cluster.ts";
import {
  A10,
  gpuRecord,
  inventoryNode,
  kubeVirtObject,
  pciDeviceObject,
} from "../../test/helpers/devices.ts";
import type { RunningFunction } from "../../test/helpers/function-process.ts";
import {
  clusterClientLoaded,
  postJson,
  startFunction,
} from "../../test/helpers/function-process.ts";
import { admissionReview, applyResponse, virtualMachine } from "../../test/helpers/review.ts";

const TRIGGER = "vm-feature-manager.io/pci-passthrough";
const PIN = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [
        {
          matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["gpu-1"] }],
        },
      ],
    },
  },
};

/**
 * For the enclosing describe: the local API server holding `objects`, and pci-passthrough started
 * against it as the image starts it, once client-node has loaded.
 */
function servedAgainst(objects: KubeObject[]): { api: FakeKubeApi; fn: () => RunningFunction } {
  const api = new FakeKubeApi();
  let fn: RunningFunction | undefined;
  before(async () => {
    await api.start();
    for (const object of objects) api.put(object as FakeObject);
    fn = await startFunction("pci-passthrough", {
      KUBECONFIG: api.writeKubeconfig(),
      CLUSTER_CACHE_TTL_MS: "100",
      CLUSTER_CACHE_MAX_STALE_MS: "100",
      // Generous: on a loaded 2-core machine the first reads (discovery included) take a while.
      CLUSTER_LOOKUP_DEADLINE_MS: "5000",
    });
    await clusterClientLoaded(fn);
  });
  after(async () => {
    await fn?.stop();
    await api.stop();
  });
  return {
    api,
    fn: () => {
      if (!fn) throw new Error("the function did not start");
      return fn;
    },
  };
}

async function review(fn: RunningFunction, vm: VirtualMachine): Promise<AdmissionReviewResponse> {
  const res = await postJson(fn.url, admissionReview(vm));
  expect(res.status).to.equal(200);
  return res.body as AdmissionReviewResponse;
}

const claimedGpu = (driver: string): KubeObject =>
  pciDeviceObject("gpu-1", "0000:65:00.0", {
    vendorId: "10de",
    deviceId: "2236",
    resourceName: A10,
    driver,
  });

const gpuVm = (): VirtualMachine => virtualMachine({ annotations: { [TRIGGER]: "0000:65:00.0" } });

/** Both resolutions must come to the same VM: Harvester names devices as this function does. */
function expectAttached(result: VirtualMachine): void {
  const spec = result.spec?.template?.spec ?? {};
  expect([spec.domain?.devices?.hostDevices, spec.affinity]).to.deep.equal([
    [{ name: "gpu-1-000065000", deviceName: A10 }],
    PIN,
  ]);
  expect(result.metadata?.annotations?.[`${TRIGGER}-applied`]).to.equal(`gpu-1-000065000=${A10}`);
}

describe("pci-passthrough over HTTP, through the real client", () => {
  describe("on Harvester (PCIDevice CRD served)", () => {
    const { api, fn } = servedAgainst([
      nodeObject("gpu-1", { "kubernetes.io/hostname": "gpu-1" }),
      claimedGpu("vfio-pci"),
      kubeVirtObject([{ pciVendorSelector: "10de:2236", resourceName: A10 }], "harvester-system"),
    ]);

    it("should resolve the address through the PCIDevice and pin the VM; its output gives no patch", async () => {
      const vm = gpuVm();
      const body = await review(fn(), vm);
      const result = applyResponse(vm, body.response);
      expectAttached(result);
      expect((await review(fn(), result)).response.patch).to.equal(undefined);
      const lists = api.requests.filter(
        (r) => r.method === "GET" && !r.path.endsWith("/v1") && !r.path.endsWith("/v1beta1"),
      );
      expect(lists.map((r) => r.path)).to.include.members([
        "/apis/kubevirt.io/v1/kubevirts",
        "/apis/devices.harvesterhci.io/v1beta1/pcidevices",
        "/api/v1/nodes",
      ]);
    });

    it("should deny with the claim fix once the device is released from vfio-pci", async () => {
      api.put(claimedGpu("nvidia") as FakeObject);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const body = await review(fn(), gpuVm());
      expect(body.response.allowed).to.equal(false);
      expect(body.response.status?.message).to.match(
        /^pci-passthrough: 0000:65:00.0 on node gpu-1 \(PCIDevice gpu-1-000065000\) is bound to nvidia, not vfio-pci/,
      );
    });
  });

  describe("on plain KubeVirt (no PCIDevice CRD): node inventory and pciVendorSelector", () => {
    const { api, fn } = servedAgainst([
      inventoryNode("gpu-1", [gpuRecord("0000:65:00.0")]),
      inventoryNode("cpu-1", []),
      kubeVirtObject([{ pciVendorSelector: "10DE:2236", resourceName: A10 }]),
    ]);

    it("should resolve the address to the same VM as on Harvester", async () => {
      const vm = gpuVm();
      const result = applyResponse(vm, (await review(fn(), vm)).response);
      expectAttached(result);
      expect((await review(fn(), result)).response.patch).to.equal(undefined);
    });

    it("should answer 503 naming the RBAC when the API refuses the read", async () => {
      api.mode = "forbidden";
      // Past both the TTL and the time a stale answer may still be served.
      await new Promise((resolve) => setTimeout(resolve, 250));
      const body = await review(
        fn(),
        virtualMachine({ name: "other", annotations: { [TRIGGER]: "0000:ca:00.0" } }),
      );
      api.mode = "ok";
      expect([body.response.allowed, body.response.status?.code]).to.deep.equal([false, 503]);
      expect(body.response.status?.message).to.match(
        /^pci-passthrough: the Kubernetes API refused to let the function read /,
      );
    });
  });
});
