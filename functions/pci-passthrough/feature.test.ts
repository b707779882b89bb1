import { expect } from "chai";
import type { ErrorHandling } from "../../shared/admission/settings.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import type { Admitted } from "../../test/helpers/admit.ts";
import { admitVm } from "../../test/helpers/admit.ts";
import {
  A10,
  X710_VF,
  gpuRecord,
  inventoryNode,
  kubeVirtObject,
  pciDeviceObject,
} from "../../test/helpers/devices.ts";
import { virtualMachine } from "../../test/helpers/review.ts";
import { pciPassthrough } from "./feature.ts";
import { TRIGGER } from "./intent.ts";

const APPLIED = "vm-feature-manager.io/pci-passthrough-applied";
const ERROR = "vm-feature-manager.io/pci-passthrough-error";
const HOSTNAME = "kubernetes.io/hostname";
const FIELD = `metadata.annotations["${TRIGGER}"]`;

const node = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, labels: { [HOSTNAME]: name, ...labels } },
});
const harvesterGpu = (n: string, address: string, driver = "vfio-pci"): KubeObject =>
  pciDeviceObject(n, address, { vendorId: "10de", deviceId: "2236", resourceName: A10, driver });
const CR = kubeVirtObject([
  { pciVendorSelector: "10DE:2236", resourceName: A10, externalResourceProvider: true },
  { pciVendorSelector: "8086:154C", resourceName: X710_VF },
]);

/** A Harvester cluster: two GPU nodes whose A10s Harvester knows, claimed on gpu-1 only. */
const HARVESTER = [
  node("gpu-1"),
  node("gpu-2"),
  harvesterGpu("gpu-1", "0000:65:00.0"),
  harvesterGpu("gpu-1", "0000:ca:00.0"),
  harvesterGpu("gpu-2", "0000:65:00.0", "nvidia"),
  kubeVirtObject(
    [{ pciVendorSelector: "10de:2236", resourceName: A10, externalResourceProvider: true }],
    "harvester-system",
  ),
];

/** Plain KubeVirt: no PCIDevice CRD, node inventories from cpu-labeller. */
const PLAIN = [
  inventoryNode("gpu-1", [gpuRecord("0000:65:00.0"), gpuRecord("0000:ca:00.0")]),
  inventoryNode("gpu-2", [
    gpuRecord("0000:65:00.0", "nvidia"),
    { address: "0000:31:00.2", id: "8086:154c", class: "020000", driver: "vfio-pci" },
  ]),
  node("cpu-1"),
  CR,
];

function run(
  vm: VirtualMachine,
  cluster: readonly KubeObject[],
  options: { errorHandling?: ErrorHandling; maxDevices?: number } = {},
): Promise<Admitted> {
  const feature = pciPassthrough({ settings: { maxDevices: options.maxDevices ?? 8 } });
  return admitVm(feature, vm, cluster, options.errorHandling);
}

const asking = (value: string, vmiSpec?: Record<string, unknown>): VirtualMachine =>
  virtualMachine({ annotations: { [TRIGGER]: value }, ...(vmiSpec ? { vmiSpec } : {}) });

const pinned = (hostname: string): Record<string, unknown> => ({
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: HOSTNAME, operator: "In", values: [hostname] }] },
        ],
      },
    },
  },
});

/** The whole VM this feature should make of `asking(value)`. */
function expected(
  value: string,
  hostDevices: { name: string; deviceName: string }[],
  hostname: string | undefined,
  applied: string,
): VirtualMachine {
  const vm = asking(value);
  vm.metadata = { ...vm.metadata, annotations: { [TRIGGER]: value, [APPLIED]: applied } };
  const spec = vm.spec?.template?.spec ?? {};
  spec.domain = { ...spec.domain, devices: { hostDevices } };
  if (hostname) Object.assign(spec, pinned(hostname));
  return vm;
}

async function denial(vm: VirtualMachine, cluster: readonly KubeObject[]): Promise<string> {
  const { response } = await run(vm, cluster);
  expect(response.allowed).to.equal(false);
  return response.status?.message ?? "";
}

describe("pci-passthrough feature", () => {
  describe("with Harvester's PCIDevices", () => {
    it("should attach the claimed device under its PCIDevice name and pin the VM to its node", async () => {
      const { result, reads } = await run(asking("0000:65:00.0"), HARVESTER);
      expect(result).to.deep.equal(
        expected(
          "0000:65:00.0",
          [{ name: "gpu-1-000065000", deviceName: A10 }],
          "gpu-1",
          `gpu-1-000065000=${A10}`,
        ),
      );
      expect(reads).to.deep.equal(["kubevirts", "pcidevices", "nodes"]);
    });

    it("should attach two devices of one node, each its own entry", async () => {
      const { result } = await run(asking("0000:65:00.0,0000:CA:00.0"), HARVESTER);
      expect(result.spec?.template?.spec?.domain?.devices?.hostDevices).to.deep.equal([
        { name: "gpu-1-000065000", deviceName: A10 },
        { name: "gpu-1-0000ca000", deviceName: A10 },
      ]);
    });

    it("should give a Harvester-made VM that already lists the device no second entry", async () => {
      const vm = asking("0000:65:00.0", {
        domain: { devices: { hostDevices: [{ name: "gpu-1-0000ca000", deviceName: A10 }] } },
        ...pinned("gpu-1"),
      });
      const { response, result } = await run(vm, HARVESTER);
      expect(result.spec).to.deep.equal(vm.spec);
      expect(result.metadata?.annotations?.[APPLIED]).to.equal(`gpu-1-0000ca000=${A10}`);
      const again = await run(result, HARVESTER);
      expect([response.allowed, again.response.patch]).to.deep.equal([true, undefined]);
    });

    it("should give no patch when its own output is admitted again", async () => {
      const first = await run(asking("0000:65:00.0"), HARVESTER);
      const second = await run(first.result, HARVESTER);
      expect([
        second.response.allowed,
        second.response.patch,
        second.response.warnings,
      ]).to.deep.equal([true, undefined, undefined]);
    });

    it("should say to claim a device that is not bound to vfio-pci", async () => {
      const vm = asking("0000:65:00.0", { nodeSelector: { [HOSTNAME]: "gpu-2" } });
      expect(await denial(vm, HARVESTER)).to.equal(
        `pci-passthrough: 0000:65:00.0 on node gpu-2 (PCIDevice gpu-2-000065000) is bound to nvidia, not vfio-pci (field ${FIELD}). ` +
          'Fix: claim it for passthrough with a PCIDeviceClaim gpu-2-000065000 {address: "0000:65:00.0", nodeName: "gpu-2"} (Harvester: Advanced > PCI Devices > Enable Passthrough), which binds it to vfio-pci and permits its resource in the KubeVirt CR',
      );
    });

    it("should choose the node where the address is usable when another node has it unclaimed", async () => {
      const { result } = await run(asking("0000:65:00.0"), HARVESTER);
      expect(result.spec?.template?.spec?.affinity).to.deep.equal(pinned("gpu-1")["affinity"]);
    });

    it("should refuse an address that two nodes can both pass through, saying how to pick", async () => {
      const cluster = [
        ...HARVESTER.filter((o) => o.metadata?.name !== "gpu-2-000065000"),
        harvesterGpu("gpu-2", "0000:65:00.0"),
      ];
      expect(await denial(asking("0000:65:00.0"), cluster)).to.equal(
        "pci-passthrough: 0000:65:00.0 exists on several nodes the VM may run on (gpu-1, gpu-2) (field spec.template.spec.nodeSelector / affinity.nodeAffinity). " +
          "Fix: choose the node: nodeSelector kubernetes.io/hostname: gpu-1 (or another of them)",
      );
    });

    it("should follow the VM's own placement among the nodes that hold the address", async () => {
      const cluster = [
        ...HARVESTER.filter((o) => o.metadata?.name !== "gpu-2-000065000"),
        harvesterGpu("gpu-2", "0000:65:00.0"),
      ];
      const vm = asking("0000:65:00.0", { nodeSelector: { [HOSTNAME]: "gpu-2" } });
      const { result } = await run(vm, cluster);
      expect(result.spec?.template?.spec?.affinity).to.deep.equal(pinned("gpu-2")["affinity"]);
    });
  });

  describe("without Harvester: node inventories and the KubeVirt CR's pciVendorSelector", () => {
    it("should map the address to the permitted resource and pin the VM to the node", async () => {
      const { result, reads } = await run(asking("0000:ca:00.0"), PLAIN);
      expect(result).to.deep.equal(
        expected(
          "0000:ca:00.0",
          [{ name: "gpu-1-0000ca000", deviceName: A10 }],
          "gpu-1",
          `gpu-1-0000ca000=${A10}`,
        ),
      );
      expect(reads).to.deep.equal(["kubevirts", "pcidevices", "nodes"]);
    });

    it("should merge the pin into every existing required term and keep the VM's other devices", async () => {
      const zone = { key: "topology.kubernetes.io/zone", operator: "In", values: ["a"] };
      const disk = { key: "disk", operator: "Exists" };
      const vm = asking("0000:31:00.2", {
        domain: { devices: { hostDevices: [{ name: "usb", deviceName: "kubevirt.io/storage" }] } },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [zone] }, { matchExpressions: [disk] }],
            },
          },
        },
      });
      const cluster = PLAIN.map((o) =>
        o.metadata?.name === "gpu-2"
          ? {
              ...o,
              metadata: {
                ...o.metadata,
                labels: { [HOSTNAME]: "gpu-2", "topology.kubernetes.io/zone": "a" },
              },
            }
          : o,
      );
      const { result } = await run(vm, cluster);
      const spec = result.spec?.template?.spec;
      const pin = { key: HOSTNAME, operator: "In", values: ["gpu-2"] };
      expect(spec?.domain?.devices?.hostDevices).to.deep.equal([
        { name: "usb", deviceName: "kubevirt.io/storage" },
        { name: "gpu-2-000031002", deviceName: X710_VF },
      ]);
      expect(
        spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
      ).to.deep.equal({
        nodeSelectorTerms: [{ matchExpressions: [zone, pin] }, { matchExpressions: [disk, pin] }],
      });
    });

    it("should say how to bind a device that is not on vfio-pci", async () => {
      const vm = asking("0000:65:00.0", { nodeSelector: { [HOSTNAME]: "gpu-2" } });
      expect(await denial(vm, PLAIN)).to.equal(
        `pci-passthrough: 0000:65:00.0 on node gpu-2 is bound to nvidia, not vfio-pci (field ${FIELD}). ` +
          "Fix: bind it to vfio-pci on that node (driverctl set-override 0000:65:00.0 vfio-pci, or vfio-pci.ids=10de:2236 on the kernel command line); cpu-labeller publishes the change on its next run",
      );
    });

    it("should say what to add when no pciVendorSelector selects the device", async () => {
      const cluster = [...PLAIN.filter((o) => o.kind !== "KubeVirt"), kubeVirtObject([])];
      expect(await denial(asking("0000:ca:00.0"), cluster)).to.equal(
        "pci-passthrough: no pciVendorSelector in the spec.configuration.permittedHostDevices.pciHostDevices of KubeVirt kubevirt/kubevirt selects 0000:ca:00.0 on node gpu-1 (10DE:2236) " +
          `(field ${FIELD}). Fix: add {pciVendorSelector: "10DE:2236", resourceName: "<vendor>.com/<MODEL>"} to the spec.configuration.permittedHostDevices.pciHostDevices of KubeVirt kubevirt/kubevirt`,
      );
    });

    it("should refuse a selector that two entries map to different resources", async () => {
      const cluster = [
        ...PLAIN.filter((o) => o.kind !== "KubeVirt"),
        kubeVirtObject([
          { pciVendorSelector: "10de:2236", resourceName: A10 },
          { pciVendorSelector: "10DE:2236", resourceName: "nvidia.com/A10" },
        ]),
      ];
      expect(await denial(asking("0000:ca:00.0"), cluster)).to.equal(
        "pci-passthrough: several entries of the spec.configuration.permittedHostDevices.pciHostDevices of KubeVirt kubevirt/kubevirt select 0000:ca:00.0 on node gpu-1 (10DE:2236): nvidia.com/GA102GL_A10, nvidia.com/A10 " +
          `(field ${FIELD}). Fix: keep one entry for that selector, or name the resource instead of the address`,
      );
    });

    it("should refuse an address when no KubeVirt CR can be read", async () => {
      const cluster = PLAIN.filter((o) => o.kind !== "KubeVirt");
      expect(await denial(asking("0000:ca:00.0"), cluster)).to.equal(
        "pci-passthrough: no KubeVirt CR could be read to find the resource name of 0000:ca:00.0 on node gpu-1 (10DE:2236) " +
          `(field ${FIELD}). Fix: install KubeVirt (its CR holds permittedHostDevices), or name the resource instead of the address`,
      );
    });

    it("should skip a node whose inventory is corrupt, with a warning", async () => {
      const broken = node("gpu-3");
      broken.metadata = {
        ...broken.metadata,
        annotations: { "pci.vm-feature-manager.io/devices": '[{"address":"0000:ca:00.0"' },
      };
      const { response } = await run(asking("0000:ca:00.0"), [...PLAIN, broken]);
      expect(response.warnings).to.deep.equal([
        "node gpu-3: annotation pci.vm-feature-manager.io/devices is not JSON; its devices are not considered (cpu-labeller rewrites it on its next run)",
      ]);
      expect(response.allowed).to.equal(true);
    });
  });

  describe("placement errors", () => {
    it("should refuse an address that no node has", async () => {
      expect(await denial(asking("0000:99:00.0"), PLAIN)).to.equal(
        "pci-passthrough: no node has a PCI device at 0000:99:00.0: no node's PCI inventory (annotation pci.vm-feature-manager.io/devices, published by cpu-labeller) lists it " +
          `(field ${FIELD}). Fix: check the address with lspci -D on the node, and that cpu-labeller runs there`,
      );
      expect(await denial(asking("0000:99:00.0"), HARVESTER)).to.equal(
        "pci-passthrough: no node has a PCI device at 0000:99:00.0: no Harvester PCIDevice has that status.address " +
          `(field ${FIELD}). Fix: check the address with kubectl get pcidevices (or lspci -D on the node)`,
      );
    });

    it("should refuse addresses that no single node holds together", async () => {
      expect(await denial(asking("0000:ca:00.0,0000:31:00.2"), PLAIN)).to.equal(
        "pci-passthrough: no single node holds all of 0000:ca:00.0, 0000:31:00.2 (0000:ca:00.0 on gpu-1; 0000:31:00.2 on gpu-2) " +
          `(field ${FIELD}). Fix: pass through devices of one node only, or give each node's devices to their own VM`,
      );
    });

    it("should refuse when the VM's placement excludes the node that holds the device", async () => {
      const vm = asking("0000:ca:00.0", { nodeSelector: { [HOSTNAME]: "cpu-1" } });
      expect(await denial(vm, PLAIN)).to.equal(
        "pci-passthrough: the VM's placement excludes gpu-1, where 0000:ca:00.0 is (field spec.template.spec.nodeSelector / affinity.nodeAffinity). " +
          "Fix: widen the VM's nodeSelector or required node affinity, or choose devices of a node it may run on",
      );
    });
  });

  describe("resource-name entries", () => {
    it("should attach a permitted resource without pinning and without reading nodes", async () => {
      const { result, reads } = await run(asking(X710_VF), PLAIN);
      expect(result).to.deep.equal(
        expected(
          X710_VF,
          [{ name: "intel-com-X710_VF", deviceName: X710_VF }],
          undefined,
          `intel-com-X710_VF=${X710_VF}`,
        ),
      );
      expect(reads).to.deep.equal(["kubevirts"]);
    });

    it("should attach resources and addresses together, pinned for the addresses", async () => {
      const { result } = await run(asking(`${X710_VF},0000:65:00.0`), PLAIN);
      expect(result.spec?.template?.spec?.domain?.devices?.hostDevices).to.deep.equal([
        { name: "intel-com-X710_VF", deviceName: X710_VF },
        { name: "gpu-1-000065000", deviceName: A10 },
      ]);
      expect(result.spec?.template?.spec?.affinity).to.deep.equal(pinned("gpu-1")["affinity"]);
    });

    it("should refuse a resource the KubeVirt CR does not permit, saying what to add", async () => {
      expect(await denial(asking("nvidia.com/TU104GL_T4"), PLAIN)).to.equal(
        "pci-passthrough: nvidia.com/TU104GL_T4: nvidia.com/TU104GL_T4 is not in the permittedHostDevices of the KubeVirt CR kubevirt/kubevirt, so KubeVirt would not start the VM " +
          `(field ${FIELD}). Fix: add {pciVendorSelector: "<VENDOR>:<DEVICE>", resourceName: "nvidia.com/TU104GL_T4"} to spec.configuration.permittedHostDevices.pciHostDevices of KubeVirt kubevirt/kubevirt (with externalResourceProvider: true when another device plugin serves it; mediatedDevices for a vGPU), or use a resource it permits`,
      );
    });

    it("should accept any resource when no KubeVirt CR is served", async () => {
      const { response } = await run(asking("nvidia.com/TU104GL_T4"), [node("n1")]);
      expect(response.allowed).to.equal(true);
    });

    it("should refuse a VM whose own limit would override KubeVirt's per-entry request", async () => {
      const vm = asking(X710_VF, { domain: { resources: { limits: { [X710_VF]: "2" } } } });
      expect(await denial(vm, PLAIN)).to.equal(
        `pci-passthrough: limits["${X710_VF}"] is "2", but the VM lists 1 device entries of it; KubeVirt requests one per entry and the VM's own value overrides that count (field spec.template.spec.domain.resources.limits). ` +
          `Fix: remove ${X710_VF} from spec.template.spec.domain.resources.limits (KubeVirt adds the request itself), or set it to 1`,
      );
    });
  });

  describe("error modes", () => {
    const vm = asking("0000:99:00.0");
    const message =
      "pci-passthrough: no node has a PCI device at 0000:99:00.0: no node's PCI inventory (annotation pci.vm-feature-manager.io/devices, published by cpu-labeller) lists it " +
      `(field ${FIELD}). Fix: check the address with lspci -D on the node, and that cpu-labeller runs there`;

    it("should deny with 403 in reject mode", async () => {
      const { response } = await run(vm, PLAIN, { errorHandling: "reject" });
      expect(response).to.deep.equal({
        uid: "u",
        allowed: false,
        status: { status: "Failure", code: 403, reason: "Forbidden", message },
      });
    });

    it("should admit unchanged but for the error annotation in allow-and-log mode", async () => {
      const { response, result } = await run(vm, PLAIN, { errorHandling: "allow-and-log" });
      expect(response.warnings).to.deep.equal([message]);
      expect(result.metadata?.annotations).to.deep.equal({
        [TRIGGER]: "0000:99:00.0",
        [ERROR]: message,
      });
      expect(result.spec).to.deep.equal(vm.spec);
    });

    it("should remove the trigger annotation in strip-label mode", async () => {
      const { response, result } = await run(vm, PLAIN, { errorHandling: "strip-label" });
      expect(response.warnings).to.deep.equal([message]);
      expect(result.metadata?.annotations).to.deep.equal({});
      expect(result.spec).to.deep.equal(vm.spec);
    });

    it("should apply the mode to bad input too (more than PCI_MAX_DEVICES)", async () => {
      const { result } = await run(asking("0000:65:00.0,0000:ca:00.0"), PLAIN, {
        errorHandling: "strip-label",
        maxDevices: 1,
      });
      expect(result.metadata?.annotations).to.deep.equal({});
    });
  });

  it("should skip a VM without the annotation and read nothing", async () => {
    const { response, reads } = await run(virtualMachine(), PLAIN);
    expect([response.patch, reads]).to.deep.equal([undefined, []]);
  });
});
