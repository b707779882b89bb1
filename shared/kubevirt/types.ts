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

export interface VmiSpec {
  domain?: { cpu?: { features?: CpuFeature[]; [k: string]: unknown }; [k: string]: unknown };
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
