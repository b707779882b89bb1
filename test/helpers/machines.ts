import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { Machine } from "../../functions/machine-controller/api.ts";
import type { HookRequest, ObjectMap } from "../../functions/machine-controller/hooks/observed.ts";

// Builders for machine-controller's tests: Machines, the objects Metacontroller observes, and hook
// requests shaped as Metacontroller v4 sends them. Each call returns fresh objects.

export const NOW = new Date("2026-03-01T12:00:00Z");
/** The labels every child of the Machine `web` carries. */
export const WEB_LABELS = {
  "app.kubernetes.io/managed-by": "machine-controller",
  "vitistack.io/machine": "web",
};
export const LATER = new Date("2026-03-01T12:05:00Z");

export function machine(
  spec: unknown,
  meta: { name?: string; namespace?: string; generation?: number; status?: unknown } = {},
): Machine {
  return {
    apiVersion: "vitistack.io/v1alpha1",
    kind: "Machine",
    metadata: {
      name: meta.name ?? "web",
      namespace: meta.namespace ?? "default",
      uid: "3f1c2d4e-0000-4000-8000-000000000001",
      generation: meta.generation ?? 1,
    },
    spec: structuredClone(spec),
    ...(meta.status ? { status: structuredClone(meta.status) as Machine["status"] } : {}),
  };
}

export function storageClass(
  name: string,
  allowVolumeExpansion = true,
  isDefault = false,
): KubeObject {
  const annotations = { "storageclass.kubernetes.io/is-default-class": "true" };
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name, ...(isDefault ? { annotations } : {}) },
    provisioner: "csi.example.com",
    allowVolumeExpansion,
  };
}

export function networkConfiguration(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "vitistack.io/v1alpha1",
    kind: "NetworkConfiguration",
    metadata: { name, namespace: "default" },
    spec,
  };
}

export function secret(name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace: "default" }, data };
}

/** A desired child as the API server would hold it: with uid, resourceVersion and status. */
export function stored(child: KubeObject, status: Record<string, unknown> = {}): KubeObject {
  const copy = structuredClone(child);
  return {
    ...copy,
    metadata: {
      ...copy.metadata,
      uid: `uid-${copy.metadata?.name ?? ""}`,
      resourceVersion: "100",
      creationTimestamp: "2026-03-01T11:00:00Z",
    },
    status,
  };
}

export function vmi(
  name: string,
  phase: string,
  extra: {
    nodeName?: string;
    interfaces?: unknown[];
    conditions?: unknown[];
    reason?: string;
  } = {},
): KubeObject {
  return {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachineInstance",
    metadata: { name, namespace: "default" },
    status: { phase, ...extra },
  };
}

export interface Observed {
  children?: KubeObject[];
  related?: KubeObject[];
  /** Key the maps as hook version v2 does (`namespace/name`). */
  v2?: boolean;
}

const KEYS: Record<string, string> = {
  VirtualMachine: "VirtualMachine.kubevirt.io/v1",
  PersistentVolumeClaim: "PersistentVolumeClaim.v1",
  NetworkAttachmentDefinition: "NetworkAttachmentDefinition.k8s.cni.cncf.io/v1",
  VirtualMachineInstance: "VirtualMachineInstance.kubevirt.io/v1",
  NetworkConfiguration: "NetworkConfiguration.vitistack.io/v1alpha1",
  StorageClass: "StorageClass.storage.k8s.io/v1",
  Secret: "Secret.v1",
  DataVolume: "DataVolume.cdi.kubevirt.io/v1beta1",
};

function objectMap(objects: readonly KubeObject[], groups: string[], v2: boolean): ObjectMap {
  const map: ObjectMap = Object.fromEntries(groups.map((g) => [g, {}]));
  for (const object of objects) {
    const { name = "", namespace } = object.metadata ?? {};
    const key = v2 && namespace ? `${namespace}/${name}` : name;
    (map[KEYS[object.kind ?? ""] ?? ""] ??= {})[key] = structuredClone(object);
  }
  return map;
}

/** A sync (or finalize) request: the CompositeController, the parent, children and related. */
export function hookRequest(
  parent: Machine,
  observed: Observed = {},
  finalizing = false,
): HookRequest {
  const v2 = observed.v2 === true;
  return {
    controller: {
      apiVersion: "metacontroller.k8s.io/v1alpha1",
      kind: "CompositeController",
      metadata: { name: "machine-controller" },
    },
    parent: structuredClone(parent),
    children: objectMap(
      observed.children ?? [],
      [
        KEYS["VirtualMachine"] ?? "",
        KEYS["PersistentVolumeClaim"] ?? "",
        KEYS["NetworkAttachmentDefinition"] ?? "",
      ],
      v2,
    ),
    related: objectMap(observed.related ?? [], [], v2),
    finalizing,
  };
}

/**
 * The related objects most tests need: StorageClasses default (expandable, and the cluster's
 * default), fast, and fixed (not expandable).
 */
export function cluster(...more: KubeObject[]): KubeObject[] {
  return [
    storageClass("default", true, true),
    storageClass("fast"),
    storageClass("fixed", false),
    ...more,
  ];
}

/** A DataVolume as CDI reports it, made by KubeVirt from the VM's template `name`. */
export function dataVolume(
  name: string,
  spec: Record<string, unknown>,
  status: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: "cdi.kubevirt.io/v1beta1",
    kind: "DataVolume",
    metadata: { name, namespace: "default" },
    spec: structuredClone(spec),
    status: structuredClone(status),
  };
}
