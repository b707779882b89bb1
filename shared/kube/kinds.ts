/** A kind as the API serves it: `v1` + `Node`, `devices.harvesterhci.io/v1beta1` + `PCIDevice`. */
export interface KindRef {
  apiVersion: string;
  kind: string;
}

export const NODE: KindRef = { apiVersion: "v1", kind: "Node" };
export const CONFIG_MAP: KindRef = { apiVersion: "v1", kind: "ConfigMap" };

export function sameKind(a: KindRef, b: KindRef): boolean {
  return a.apiVersion === b.apiVersion && a.kind === b.kind;
}

export function kindName(kind: KindRef): string {
  return `${kind.apiVersion} ${kind.kind}`;
}

/** The resource's plural as users read it in messages: `nodes`, `storageclasses`, `pcidevices`. */
export function pluralOf(kind: KindRef): string {
  const lower = kind.kind.toLowerCase();
  return lower.endsWith("s") ? `${lower}es` : `${lower}s`;
}
export const POD: KindRef = { apiVersion: "v1", kind: "Pod" };
export const SECRET: KindRef = { apiVersion: "v1", kind: "Secret" };
export const PERSISTENT_VOLUME_CLAIM: KindRef = { apiVersion: "v1", kind: "PersistentVolumeClaim" };
export const STORAGE_CLASS: KindRef = { apiVersion: "storage.k8s.io/v1", kind: "StorageClass" };
export const VIRTUAL_MACHINE: KindRef = { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine" };
export const VIRTUAL_MACHINE_INSTANCE: KindRef = {
  apiVersion: "kubevirt.io/v1",
  kind: "VirtualMachineInstance",
};
/** The KubeVirt CR: one per cluster, in KubeVirt's namespace (`kubevirt`, or Harvester's `harvester-system`). */
export const KUBEVIRT: KindRef = { apiVersion: "kubevirt.io/v1", kind: "KubeVirt" };
/** Harvester's pcidevices addon: one cluster-scoped object per host PCI device. */
export const PCI_DEVICE: KindRef = {
  apiVersion: "devices.harvesterhci.io/v1beta1",
  kind: "PCIDevice",
};
export const NAMESPACE: KindRef = { apiVersion: "v1", kind: "Namespace" };
