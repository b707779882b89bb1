import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { KindRef } from "../../shared/kube/kinds.ts";
import type { QuantityInput } from "../../shared/kube/quantity.ts";

// The Machine and NetworkConfiguration APIs (vitistack.io/v1alpha1) as the function reads them.
// The CRDs' schemas (schema/) describe the same shapes for the API server.

export const FUNCTION = "machine-controller";
export const GROUP = "vitistack.io";
export const API_VERSION = `${GROUP}/v1alpha1`;
export const MACHINE: KindRef = { apiVersion: API_VERSION, kind: "Machine" };
export const NETWORK_CONFIGURATION: KindRef = {
  apiVersion: API_VERSION,
  kind: "NetworkConfiguration",
};
/** CDI's import: KubeVirt makes one from each of a VM's dataVolumeTemplates. */
export const DATA_VOLUME: KindRef = { apiVersion: "cdi.kubevirt.io/v1beta1", kind: "DataVolume" };
/** Multus's network: the child a VLAN or bridge NetworkConfiguration gives each Machine network. */
export const NETWORK_ATTACHMENT_DEFINITION: KindRef = {
  apiVersion: "k8s.cni.cncf.io/v1",
  kind: "NetworkAttachmentDefinition",
};

/** Labels on every child: which Machine (and disk) it belongs to, and who manages it. */
export const LABELS = {
  machine: `${GROUP}/machine`,
  disk: `${GROUP}/disk`,
  network: `${GROUP}/network`,
  template: `${GROUP}/template`,
  managedBy: "app.kubernetes.io/managed-by",
} as const;

export const TEMPLATE_NAMES = ["small", "medium", "large"] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];
export const ACCESS_MODES = ["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany"] as const;
export type AccessMode = (typeof ACCESS_MODES)[number];
export const VOLUME_MODES = ["Filesystem", "Block"] as const;
export type VolumeMode = (typeof VOLUME_MODES)[number];
export const DISK_TYPES = ["disk", "cdrom"] as const;
export type DiskType = (typeof DISK_TYPES)[number];
export const INTERFACE_MODELS = ["virtio", "e1000", "rtl8139"] as const;
export type InterfaceModel = (typeof INTERFACE_MODELS)[number];
export const BOOT_DEVICES = ["disk", "network", "cdrom"] as const;
export type BootDevice = (typeof BOOT_DEVICES)[number];
export const CLOUD_INIT_KEYS = ["userdata", "userData"] as const;
export const BINDINGS = ["bridge", "masquerade"] as const;
export type Binding = (typeof BINDINGS)[number];

/** CDI's DataVolume source, as the disk gives it and the VM's dataVolumeTemplates carry it. */
export interface DiskSource {
  http?: { url: string; secretRef?: string; certConfigMap?: string };
  registry?: { url: string };
  pvc?: { namespace: string; name: string };
  blank?: Record<string, never>;
}

export interface DiskSpec {
  name: string;
  source?: DiskSource;
  size?: QuantityInput;
  storageClass?: string;
  accessMode?: AccessMode;
  volumeMode?: VolumeMode;
  type?: DiskType;
}

export interface NetworkSpec {
  name: string;
  networkName: string;
  model?: InterfaceModel;
  macAddress?: string;
}

export interface CloudInitSpec {
  userData?: string;
  networkData?: string;
  secretRef?: { name: string; key?: (typeof CLOUD_INIT_KEYS)[number] };
}

export interface DomainSpec {
  machine?: { type?: string };
  features?: { acpi?: boolean; apic?: boolean; hyperv?: boolean };
  firmware?: { bootloader?: { efi?: boolean; secureBoot?: boolean } };
}

export interface MachineSpec {
  template: TemplateName;
  running?: boolean;
  resources?: {
    cpu?: { cores?: number; threads?: number; sockets?: number };
    memory?: { size?: QuantityInput };
  };
  disks?: DiskSpec[];
  networks?: NetworkSpec[];
  bootOrder?: BootDevice[];
  cloudInit?: CloudInitSpec;
  domain?: DomainSpec;
}

export const PHASES = ["Pending", "Creating", "Running", "Stopped", "Failed"] as const;
export type Phase = (typeof PHASES)[number];
export const CONDITION_TYPES = [
  "Ready",
  "VirtualMachineReady",
  "StorageReady",
  "NetworkReady",
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];
export type ConditionStatus = "True" | "False" | "Unknown";

export interface Condition {
  type: ConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration: number;
}

export interface MachineStatus {
  phase: Phase;
  conditions: Condition[];
  vmName?: string;
  vmiName?: string;
  ipAddresses?: string[];
  nodeName?: string;
  observedGeneration: number;
  lastUpdated: string;
}

export interface Machine extends KubeObject {
  spec?: unknown;
  status?: Partial<MachineStatus>;
}

export interface NetworkConfigurationSpec {
  description?: string;
  vlan?: number;
  bridge?: string;
  multus?: { networkName: string };
  pod?: Record<string, never>;
  binding?: Binding;
  /** The CNI IPAM section of the NetworkAttachmentDefinition made for a VLAN or bridge. */
  ipam?: Record<string, unknown>;
}
