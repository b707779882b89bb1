import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { ClusterReader } from "../../shared/kube/reader.ts";
import { describeGet, describeList } from "../../shared/kube/reader.ts";
import { snapshotReader } from "../../shared/kube/snapshot-reader.ts";

/** A snapshot reader over `objects` that records each read, in the words of the error messages. */
export function recordingReader(
  objects: readonly KubeObject[],
): ClusterReader & { reads: string[] } {
  const inner = snapshotReader(objects);
  const reads: string[] = [];
  return {
    reads,
    get: (kind, namespace, name, signal) => {
      reads.push(describeGet(kind, namespace, name));
      return inner.get(kind, namespace, name, signal);
    },
    list: (kind, query, signal) => {
      reads.push(describeList(kind, query));
      return inner.list(kind, query, signal);
    },
  };
}

/** `reader` with every answer a promise, as a read that goes to the API server gives it. */
export function laterReader(reader: ClusterReader): ClusterReader {
  return {
    get: (kind, namespace, name, signal) =>
      Promise.resolve(reader.get(kind, namespace, name, signal)),
    list: (kind, query, signal) => Promise.resolve(reader.list(kind, query, signal)),
  };
}

export function nodeObject(name: string, labels: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "Node", metadata: { name, labels } };
}

export function configMapObject(
  namespace: string,
  name: string,
  data: Record<string, string>,
): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data };
}
