/** A kind as the API serves it: `v1` + `Node`, `devices.harvesterhci.io/v1beta1` + `PCIDevice`. */
export interface KindRef {
  apiVersion: string;
  kind: string;
}

/** What the house knows of a kind without asking the API: its resource name and scope. */
export interface KindInfo extends KindRef {
  /** The resource name in the kind's URLs and in RBAC rules: `nodes`, `storageclasses`. */
  plural: string;
  namespaced: boolean;
  /** Served by every API server (a built-in group), rather than by an installed CRD. */
  builtIn: boolean;
}

/**
 * The groups kube-apiserver itself serves (`kubectl api-versions` on a bare cluster): a kind in one
 * is served wherever a function runs, one in any other group only once its CRD is installed.
 * Not "no dot in the group": storage.k8s.io, rbac.authorization.k8s.io and the others have dots.
 */
const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  "",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "apps",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "autoscaling",
  "batch",
  "certificates.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "events.k8s.io",
  "flowcontrol.apiserver.k8s.io",
  "networking.k8s.io",
  "node.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "resource.k8s.io",
  "scheduling.k8s.io",
  "storage.k8s.io",
]);

/** The group of an apiVersion: "" for the core `v1`, `storage.k8s.io` for `storage.k8s.io/v1`. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** Whether every API server serves the kind's group (no CRD needed). */
export function isBuiltIn(kind: KindRef): boolean {
  return BUILT_IN_GROUPS.has(groupOf(kind.apiVersion));
}

const row = (apiVersion: string, kind: string, plural: string, namespaced: boolean): KindInfo => ({
  apiVersion,
  kind,
  plural,
  namespaced,
  builtIn: isBuiltIn({ apiVersion, kind }),
});

/** Every kind the functions, the preview and the test API read or write: one row each. */
export const KINDS: readonly KindInfo[] = [
  row("v1", "Node", "nodes", false),
  row("v1", "Namespace", "namespaces", false),
  row("v1", "ConfigMap", "configmaps", true),
  row("v1", "Pod", "pods", true),
  row("v1", "Secret", "secrets", true),
  row("v1", "PersistentVolumeClaim", "persistentvolumeclaims", true),
  row("storage.k8s.io/v1", "StorageClass", "storageclasses", false),
  row("kubevirt.io/v1", "VirtualMachine", "virtualmachines", true),
  row("kubevirt.io/v1", "VirtualMachineInstance", "virtualmachineinstances", true),
  row("kubevirt.io/v1", "KubeVirt", "kubevirts", true),
  row("devices.harvesterhci.io/v1beta1", "PCIDevice", "pcidevices", false),
  row("devices.harvesterhci.io/v1beta1", "PCIDeviceClaim", "pcideviceclaims", false),
  row("k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition", "network-attachment-definitions", true),
  row("cdi.kubevirt.io/v1beta1", "DataVolume", "datavolumes", true),
  row("vitistack.io/v1alpha1", "Machine", "machines", true),
  row("vitistack.io/v1alpha1", "NetworkConfiguration", "networkconfigurations", true),
  row("rbac.authorization.k8s.io/v1", "Role", "roles", true),
  row("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", false),
  row("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", true),
  row("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", false),
];

/** The kind's row in KINDS, if it has one. */
export function kindInfo(kind: KindRef): KindInfo | undefined {
  return KINDS.find((k) => sameKind(k, kind));
}

/** The kind's row in KINDS; a kind without one is a mistake in the code that names it. */
export function requireKind(kind: KindRef): KindInfo {
  const info = kindInfo(kind);
  if (!info)
    throw new Error(`${kindName(kind)} is not in KINDS (shared/kube/kinds.ts); add its row`);
  return info;
}

/** Nodes. */
export const NODE: KindRef = { apiVersion: "v1", kind: "Node" };
/** ConfigMaps. */
export const CONFIG_MAP: KindRef = { apiVersion: "v1", kind: "ConfigMap" };

/** Whether two references name the same kind. */
export function sameKind(a: KindRef, b: KindRef): boolean {
  return a.apiVersion === b.apiVersion && a.kind === b.kind;
}

/** The kind as messages name it: `v1 Node`. */
export function kindName(kind: KindRef): string {
  return `${kind.apiVersion} ${kind.kind}`;
}

/**
 * The resource's plural as users read it in messages and RBAC rules: KINDS' for a kind in it,
 * else the lower-case kind plus "s" (`nodes`, `pcidevices`), as most CRDs name theirs.
 */
export function pluralOf(kind: KindRef): string {
  const known = kindInfo(kind)?.plural;
  if (known) return known;
  const lower = kind.kind.toLowerCase();
  return lower.endsWith("s") ? `${lower}es` : `${lower}s`;
}
/** Pods. */
export const POD: KindRef = { apiVersion: "v1", kind: "Pod" };
/** Secrets. */
export const SECRET: KindRef = { apiVersion: "v1", kind: "Secret" };
/** PersistentVolumeClaims. */
export const PERSISTENT_VOLUME_CLAIM: KindRef = { apiVersion: "v1", kind: "PersistentVolumeClaim" };
/** StorageClasses (built in: storage.k8s.io). */
export const STORAGE_CLASS: KindRef = { apiVersion: "storage.k8s.io/v1", kind: "StorageClass" };
/** KubeVirt VirtualMachines. */
export const VIRTUAL_MACHINE: KindRef = { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine" };
/** KubeVirt VirtualMachineInstances. */
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
/** Namespaces. */
export const NAMESPACE: KindRef = { apiVersion: "v1", kind: "Namespace" };
