import { NODE_ANNOTATIONS, NODE_LABELS } from "../../shared/node-labels.ts";
import type { PciRecord } from "../../shared/pci-inventory.ts";
import { encodeInventory } from "../../shared/pci-inventory.ts";
import type { CpuFacts } from "./cpuinfo.ts";

export interface HostFacts extends CpuFacts {
  nested: boolean;
}

/** The three `cpu.vm-feature-manager.io/` labels nested-virt schedules on. */
export function labelsFor(facts: HostFacts): Record<string, string> {
  return {
    [NODE_LABELS.vendor]: facts.vendor,
    [NODE_LABELS.virtualization]: facts.virtualization,
    [NODE_LABELS.nested]: String(facts.nested),
  };
}

/** The node's PCI inventory as the one annotation pci-passthrough reads. */
export function annotationsFor(pciDevices: readonly PciRecord[]): Record<string, string> {
  return { [NODE_ANNOTATIONS.pciDevices]: encodeInventory(pciDevices) };
}
