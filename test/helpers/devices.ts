import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { PciHostDevice } from "../../shared/kubevirt/kubevirt-cr.ts";
import type { PciRecord } from "../../shared/pci-inventory.ts";
import { encodeInventory } from "../../shared/pci-inventory.ts";

// Cluster objects for the device functions' tests, shaped as Harvester and KubeVirt write them.

export const A10 = "nvidia.com/GA102GL_A10";
export const X710_VF = "intel.com/X710_VF";

/**
 * A Harvester PCIDevice as its pcidevices controller keeps it: named `<node>-<address without :
 * and .>`, labelled with its node, status from sysfs and the PCI database.
 */
export function pciDeviceObject(
  node: string,
  address: string,
  status: { vendorId: string; deviceId: string; resourceName: string; driver?: string },
): KubeObject {
  return {
    apiVersion: "devices.harvesterhci.io/v1beta1",
    kind: "PCIDevice",
    metadata: { name: `${node}-${address.replace(/[:.]/g, "")}`, labels: { nodename: node } },
    status: {
      address,
      vendorId: status.vendorId,
      deviceId: status.deviceId,
      classId: "0302",
      iommuGroup: "45",
      nodeName: node,
      resourceName: status.resourceName,
      description: "3D controller: NVIDIA Corporation GA102GL [A10]",
      ...(status.driver ? { kernelDriverInUse: status.driver } : {}),
    },
  };
}

/** The KubeVirt CR with these permitted PCI devices. */
export function kubeVirtObject(
  pciHostDevices: PciHostDevice[],
  namespace = "kubevirt",
): KubeObject {
  return {
    apiVersion: "kubevirt.io/v1",
    kind: "KubeVirt",
    metadata: { name: "kubevirt", namespace, creationTimestamp: "2026-01-01T00:00:00Z" },
    spec: {
      configuration: {
        developerConfiguration: { featureGates: ["HostDevices"] },
        permittedHostDevices: { pciHostDevices },
      },
    },
  };
}

/** A node carrying cpu-labeller's PCI inventory annotation. */
export function inventoryNode(
  name: string,
  records: PciRecord[],
  labels: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: { "kubernetes.io/hostname": name, ...labels },
      annotations: { "pci.vm-feature-manager.io/devices": encodeInventory(records) },
    },
  };
}

export function gpuRecord(address: string, driver = "vfio-pci"): PciRecord {
  return { address, id: "10de:2236", class: "030200", driver, iommuGroup: "45" };
}
