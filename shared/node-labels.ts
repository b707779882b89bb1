/**
 * Node labels read and written by the functions. cpu-labeller publishes the `cpu.` ones; the
 * KubeVirt ones come from KubeVirt's own node-labeller and are read as a fallback.
 */
export const NODE_LABELS = {
  /** `intel`, `amd` or `other`, from /proc/cpuinfo's vendor_id. */
  vendor: "cpu.vm-feature-manager.io/vendor",
  /** `vmx`, `svm` or `none`: the hardware virtualization flag the CPU reports. */
  virtualization: "cpu.vm-feature-manager.io/virtualization",
  /** `true` when kvm_intel/kvm_amd has nesting on, else `false`. */
  nested: "cpu.vm-feature-manager.io/nested",
} as const;

/** KubeVirt's own node labels and prefixes. */
export const KUBEVIRT_LABELS = {
  vendorPrefix: "cpu-vendor.node.kubevirt.io/",
  featurePrefix: "cpu-feature.node.kubevirt.io/",
  schedulable: "kubevirt.io/schedulable",
} as const;

/** A CPU vendor whose nesting the functions know. */
export type Vendor = "intel" | "amd";

/** The CPU flag that nested virtualization needs on each vendor. */
export const VENDOR_FLAG: Record<Vendor, "vmx" | "svm"> = { intel: "vmx", amd: "svm" };

/**
 * Node annotations cpu-labeller publishes. The PCI inventory is an annotation because it is a
 * list (JSON, see shared/pci-inventory.ts), which label values cannot hold.
 */
export const NODE_ANNOTATIONS = {
  pciDevices: "pci.vm-feature-manager.io/devices",
} as const;
