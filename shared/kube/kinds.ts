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
