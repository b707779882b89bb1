import type { KubeObject } from "../basics/kube-object.ts";
import type { MaybePromise } from "../runtime/maybe-promise.ts";
import type { KindRef } from "./kinds.ts";
import { isBuiltIn, sameKind } from "./kinds.ts";
import type { Absent, ClusterReader, ListQuery } from "./reader.ts";
import { ABSENT } from "./reader.ts";
import { matchesFields, matchesLabels } from "./selectors.ts";

const CRD: KindRef = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition" };

/**
 * The ClusterReader over a fixed set of objects (what `kubectl get ... -A -o yaml` prints), for
 * the preview and for tests. A kind of a built-in group (`isBuiltIn`) is always served, as
 * discovery finds it on every API server; a custom kind
 * is served when the snapshot holds an object of it or its CustomResourceDefinition, and is
 * otherwise `absent`, as on a cluster without that CRD. Answers are at hand, as the live reader's
 * fresh cached ones are; a failure (a malformed selector) is a rejection, as every reader's is.
 */
export function snapshotReader(objects: readonly KubeObject[]): ClusterReader {
  const all = objects.map((o) => structuredClone(o));
  const ofKind = (kind: KindRef): KubeObject[] =>
    all.filter((o) => sameKind({ apiVersion: o.apiVersion ?? "", kind: o.kind ?? "" }, kind));
  const served = (kind: KindRef): boolean =>
    isBuiltIn(kind) || ofKind(kind).length > 0 || crdFor(kind);
  const crdFor = (kind: KindRef): boolean =>
    ofKind(CRD).some((crd) => {
      const spec = crd["spec"] as { group?: string; names?: { kind?: string } } | undefined;
      return kind.apiVersion.startsWith(`${spec?.group ?? ""}/`) && spec?.names?.kind === kind.kind;
    });
  const list = (kind: KindRef, query: ListQuery): KubeObject[] | Absent => {
    if (!served(kind)) return ABSENT;
    const items = ofKind(kind).filter(
      (o) =>
        (!query.namespace || o.metadata?.namespace === query.namespace) &&
        matchesLabels(query.labelSelector, o.metadata?.labels) &&
        matchesFields(query.fieldSelector, o),
    );
    return items.map((o) => structuredClone(o));
  };
  return {
    get(kind, namespace, name): KubeObject | Absent {
      const found = ofKind(kind).find(
        (o) => o.metadata?.name === name && (o.metadata?.namespace ?? "") === namespace,
      );
      return found ? structuredClone(found) : ABSENT;
    },
    list(kind, query): MaybePromise<KubeObject[] | Absent> {
      try {
        return list(kind, query);
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },
  };
}

/** A cluster with nothing in it: the reader of a feature that declares no reads. */
export const EMPTY_CLUSTER: ClusterReader = snapshotReader([]);
