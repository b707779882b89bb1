import type { KubeObject } from "../basics/kube-object.ts";

// The parts of KubeVirt's v1 API the functions read or write, checked against KubeVirt v1.9's
// OpenAPI definitions. Everything else passes through as unknown JSON.

/** How KubeVirt treats a CPU feature (libvirt's policies). */
export type CpuFeaturePolicy = "force" | "require" | "optional" | "disable" | "forbid";

/** One CPU feature in `domain.cpu.features`. */
export interface CpuFeature {
  name: string;
  policy?: CpuFeaturePolicy;
}

/** One requirement of a node selector term. */
export interface NodeSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt";
  values?: string[];
}

/** A node selector term: its requirements all hold. */
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/**
 * A VMI's network interface. Exactly one binding is set: a core binding method, or a binding
 * plugin by name (`binding.name`, e.g. `passt`, `macvtap`). `macvtap`, `passt` and `slirp` are
 * the core bindings KubeVirt discontinued in v1.3; `passtBinding` is passt's core return.
 */
export interface VmiInterface {
  name: string;
  masquerade?: object;
  bridge?: object;
  sriov?: object;
  macvtap?: object;
  passt?: object;
  passtBinding?: object;
  slirp?: object;
  binding?: { name?: string };
  [key: string]: unknown;
}

/** A VMI network: the pod network, or a Multus one (`default: true` replaces the pod network). */
export interface VmiNetwork {
  name: string;
  pod?: object;
  multus?: { networkName?: string; default?: boolean };
  [key: string]: unknown;
}

/**
 * A `hostDevices[]` or `gpus[]` entry: a device-plugin resource (`deviceName`, which must be a
 * resourceName the KubeVirt CR permits) or a DRA claim (`claimName` + `requestName`).
 */
export interface DeviceEntry {
  name: string;
  deviceName?: string;
  claimName?: string;
  requestName?: string;
  tag?: string;
  [key: string]: unknown;
}

/** An entry of `devices.hostDevices`. */
export type HostDevice = DeviceEntry;

/** An entry of `devices.disks`. */
export interface Disk {
  name: string;
  disk?: { bus?: string; readonly?: boolean };
  cdrom?: { bus?: string; readonly?: boolean; tray?: string };
  serial?: string;
  bootOrder?: number;
  [key: string]: unknown;
}

/** An entry of the VMI spec's `volumes`. */
export interface Volume {
  name: string;
  configMap?: { name: string; optional?: boolean; volumeLabel?: string };
  [key: string]: unknown;
}

/** `domain.devices`, as far as the features read or change it. */
export interface DomainDevices {
  disks?: Disk[];
  hostDevices?: DeviceEntry[];
  gpus?: DeviceEntry[];
  interfaces?: VmiInterface[];
  [key: string]: unknown;
}

/** `domain.devices` (the name the features use). */
export type Devices = DomainDevices;

/** `domain.resources`: quantities as the API carries them, strings such as `1Gi` or `2`. */
export interface DomainResources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
  [key: string]: unknown;
}

/** `domain`, as far as the features read or change it. */
export interface Domain {
  cpu?: { features?: CpuFeature[]; [k: string]: unknown };
  devices?: DomainDevices;
  resources?: DomainResources;
  [k: string]: unknown;
}

/** A VMI spec, or a VM's `spec.template.spec`. */
export interface VmiSpec {
  domain?: Domain;
  volumes?: Volume[];
  networks?: VmiNetwork[];
  nodeSelector?: Record<string, string>;
  affinity?: {
    nodeAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] };
      [k: string]: unknown;
    };
    [k: string]: unknown;
  };
  [key: string]: unknown;
}

/** A KubeVirt VirtualMachine. */
export interface VirtualMachine extends KubeObject {
  spec?: {
    template?: { metadata?: KubeObject["metadata"]; spec?: VmiSpec };
    [key: string]: unknown;
  };
}

/** A KubeVirt VirtualMachineInstance. */
export interface VirtualMachineInstance extends KubeObject {
  spec?: VmiSpec;
}

/** The VirtualMachine kind as a Feature's `kinds` names it. */
export const VIRTUAL_MACHINE_KIND = { group: "kubevirt.io", kind: "VirtualMachine" } as const;
