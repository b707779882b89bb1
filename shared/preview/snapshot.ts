import { parseAllDocuments } from "yaml";
import type { KubeObject } from "../admission/types.ts";

/** The cluster state a feature may read, offline: what `kubectl get nodes,configmaps -A -o yaml` prints. */
export interface ClusterSnapshot {
  nodes: { name: string; labels: Record<string, string> }[];
  configMaps: { namespace: string; name: string; data: Record<string, string> }[];
}

/** Reads one or more YAML documents; each may be an object or a `List` of objects. */
export function parseObjects(text: string, source: string): KubeObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length)
      throw new Error(`${source}: not valid YAML: ${doc.errors[0]?.message ?? ""}`);
    return unwrapList(doc.toJS() as unknown, source);
  });
}

function unwrapList(value: unknown, source: string): KubeObject[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== "object" || Array.isArray(value))
    throw new Error(`${source}: a document is not an object`);
  const object = value as KubeObject & { items?: KubeObject[] };
  return object.kind?.endsWith("List") && Array.isArray(object.items) ? object.items : [object];
}

export function snapshotFrom(objects: readonly KubeObject[]): ClusterSnapshot {
  const snapshot: ClusterSnapshot = { nodes: [], configMaps: [] };
  for (const object of objects) {
    const meta = object.metadata ?? {};
    if (object.kind === "Node")
      snapshot.nodes.push({ name: meta.name ?? "", labels: meta.labels ?? {} });
    if (object.kind === "ConfigMap") {
      const data = (object["data"] ?? {}) as Record<string, string>;
      snapshot.configMaps.push({
        namespace: meta.namespace ?? "default",
        name: meta.name ?? "",
        data,
      });
    }
  }
  return snapshot;
}
