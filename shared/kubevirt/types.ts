import type { KubeObject } from "../admission/types.ts";

// The parts of KubeVirt's v1 API the functions read or write, checked against KubeVirt v1.9's
// OpenAPI definitions. Everything else passes through as unknown JSON.

export type CpuFeaturePolicy = "force" | "require" | "optional" | "disable" | "forbid";

export interface CpuFeature {
  name: string;
  policy?: CpuFeaturePolicy;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt";
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/**
 * A `hostDevices[]` or `gpus[]` entry. `deviceName` is an extended-resource name that the KubeVirt
 * CR permits; entries backed by DRA claims carry `claimName`/`requestName` instead.
 */
export interface DeviceEntry {
  name: string;
  deviceName?: string;
  [key: string]: unknown;
}

export interface DomainDevices {
  hostDevices?: DeviceEntry[];
  gpus?: DeviceEntry[];
  [key: string]: unknown;
}

/** `domain.resources`: quantities as the API carries them, strings such as `1Gi` or `2`. */
export interface DomainResources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
  [key: string]: unknown;
}

export interface Domain {
  cpu?: { features?: CpuFeature[]; [k: string]: unknown };
  devices?: DomainDevices;
  resources?: DomainResources;
  [k: string]: unknown;
}

export interface VmiSpec {
  domain?: Domain;
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

export interface VirtualMachine extends KubeObject {
  spec?: {
    template?: { metadata?: KubeObject["metadata"]; spec?: VmiSpec };
    [key: string]: unknown;
  };
}

export const VIRTUAL_MACHINE_KIND = { group: "kubevirt.io", kind: "VirtualMachine" } as const;
