import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { Absent } from "../../shared/kube/reader.ts";
import { ABSENT } from "../../shared/kube/reader.ts";
import { hostDeviceName } from "../../shared/kubevirt/devices.ts";
import type { KubeVirtCr } from "../../shared/kubevirt/kubevirt-cr.ts";
import { kubeVirtName, pciResourceNamesFor } from "../../shared/kubevirt/kubevirt-cr.ts";
import { aliasSafe, resourceNameProblem } from "../../shared/kubevirt/resource-name.ts";
import { NODE_ANNOTATIONS } from "../../shared/node-labels.ts";
import type { PciRecord } from "../../shared/pci-inventory.ts";
import { decodeInventory } from "../../shared/pci-inventory.ts";

/** Where the host devices were found: Harvester's PCIDevice objects, or cpu-labeller's inventory. */
export type Source = "pcidevices" | "inventory";

export type Resolution = { resourceName: string } | { problem: string; fix: string };

/** A host PCI device at a requested address, and what KubeVirt would need to attach it. */
export interface Candidate {
  node: string;
  address: string;
  /** Its `hostDevices[]` name: Harvester's PCIDevice name, which the inventory path computes alike. */
  name: string;
  resolution: Resolution;
}

export interface Candidates {
  source: Source;
  candidates: Candidate[];
  warnings: string[];
}

const VFIO = "vfio-pci";

interface PciDeviceStatus {
  address?: string;
  nodeName?: string;
  resourceName?: string;
  kernelDriverInUse?: string;
}

/** Harvester's controller keeps status current: address, node, resourceName and bound driver. */
export function fromPciDevices(objects: readonly KubeObject[], addresses: Set<string>): Candidates {
  const candidates = objects.flatMap((object) => {
    const status = (object["status"] ?? {}) as PciDeviceStatus;
    const address = (status.address ?? "").toLowerCase();
    if (!addresses.has(address) || !status.nodeName) return [];
    const objectName = object.metadata?.name ?? hostDeviceName(status.nodeName, address);
    const found = { node: status.nodeName, address, driver: status.kernelDriverInUse };
    return [
      {
        node: found.node,
        address,
        name: aliasSafe(objectName),
        resolution: harvesterResolution(found, objectName, status.resourceName ?? ""),
      },
    ];
  });
  return { source: "pcidevices", candidates, warnings: [] };
}

function harvesterResolution(
  found: { node: string; address: string; driver: string | undefined },
  objectName: string,
  resourceName: string,
): Resolution {
  if (found.driver !== VFIO) {
    return {
      problem: `${found.address} on node ${found.node} (PCIDevice ${objectName}) is bound to ${found.driver || "no driver"}, not ${VFIO}`,
      fix: `claim it for passthrough with a PCIDeviceClaim ${objectName} {address: "${found.address}", nodeName: "${found.node}"} (Harvester: Advanced > PCI Devices > Enable Passthrough), which binds it to ${VFIO} and permits its resource in the KubeVirt CR`,
    };
  }
  const problem = resourceNameProblem(resourceName);
  if (problem) {
    return {
      problem: `PCIDevice ${objectName} has no usable status.resourceName (${problem})`,
      fix: "wait for Harvester's pcidevices controller to fill it in, or name the resource instead of the address",
    };
  }
  return { resourceName };
}

/**
 * Without Harvester: each node's inventory annotation (cpu-labeller), matched to a resource name
 * through the KubeVirt CR's pciHostDevices selectors, as KubeVirt's own device plugin does.
 */
export function fromInventories(
  nodes: readonly KubeObject[],
  cr: KubeVirtCr | Absent,
  addresses: Set<string>,
): Candidates {
  const warnings: string[] = [];
  const candidates = nodes.flatMap((node) => {
    const name = node.metadata?.name ?? "";
    const text = node.metadata?.annotations?.[NODE_ANNOTATIONS.pciDevices];
    // Decoding every node's inventory on every review is wasted work: only a node whose text
    // mentions a requested address can hold it.
    if (text === undefined || ![...addresses].some((a) => text.includes(`"${a}"`))) return [];
    const records = decodeInventory(text);
    if ("problem" in records) {
      warnings.push(
        `node ${name}: annotation ${NODE_ANNOTATIONS.pciDevices} ${records.problem}; its devices are not considered (cpu-labeller rewrites it on its next run)`,
      );
      return [];
    }
    return records
      .filter((r) => addresses.has(r.address))
      .map((r) => ({
        node: name,
        address: r.address,
        name: hostDeviceName(name, r.address),
        resolution: inventoryResolution(name, r, cr),
      }));
  });
  return { source: "inventory", candidates, warnings };
}

function inventoryResolution(node: string, record: PciRecord, cr: KubeVirtCr | Absent): Resolution {
  const where = `${record.address} on node ${node}`;
  if (record.driver !== VFIO) {
    return {
      problem: `${where} is bound to ${record.driver ?? "no driver"}, not ${VFIO}`,
      fix: `bind it to ${VFIO} on that node (driverctl set-override ${record.address} ${VFIO}, or vfio-pci.ids=${record.id} on the kernel command line); cpu-labeller publishes the change on its next run`,
    };
  }
  const selector = record.id.toUpperCase();
  if (cr === ABSENT) {
    return {
      problem: `no KubeVirt CR could be read to find the resource name of ${where} (${selector})`,
      fix: "install KubeVirt (its CR holds permittedHostDevices), or name the resource instead of the address",
    };
  }
  const names = pciResourceNamesFor(cr, record.id);
  if (names.length === 1 && names[0]) return { resourceName: names[0] };
  const permitted = `spec.configuration.permittedHostDevices.pciHostDevices of KubeVirt ${kubeVirtName(cr)}`;
  if (names.length === 0) {
    return {
      problem: `no pciVendorSelector in the ${permitted} selects ${where} (${selector})`,
      fix: `add {pciVendorSelector: "${selector}", resourceName: "<vendor>.com/<MODEL>"} to the ${permitted}`,
    };
  }
  return {
    problem: `several entries of the ${permitted} select ${where} (${selector}): ${names.join(", ")}`,
    fix: "keep one entry for that selector, or name the resource instead of the address",
  };
}
