import type { KubeObject } from "../basics/kube-object.ts";
import type { MaybePromise } from "../runtime/maybe-promise.ts";
import type { KindRef } from "./kinds.ts";
import { kindName, pluralOf, sameKind } from "./kinds.ts";

/**
 * The object, or the kind, is not there: a 404, or a kind the cluster does not serve (a CRD that
 * is not installed, such as Harvester's PCIDevice on plain KubeVirt). Features fall back on it;
 * it is never an error.
 */
export const ABSENT = "absent";
/** The answer for a kind the cluster does not serve, or an object it does not hold. */
export type Absent = typeof ABSENT;

/** Where to list and what to select: namespace, label and field selectors. */
export interface ListQuery {
  /** Omitted or empty: every namespace (or a cluster-scoped kind). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/**
 * How every feature reads the cluster: live over node:https in the function (on the pod's
 * ServiceAccount, or a kubeconfig through client-node's configuration), over a snapshot of
 * objects in the preview. Objects come back as plain JSON, never as client-node model classes.
 * Failures (403, deadline, unreachable) are ClusterErrors whose message names what was read.
 * A cached answer that is still fresh comes back at hand, not as a promise (see MaybePromise): take
 * answers with `andThen` and `allOf` from shared/runtime/maybe-promise.ts, or `await` them.
 */
export interface ClusterReader {
  /** `namespace` is "" for cluster-scoped kinds. */
  get(
    kind: KindRef,
    namespace: string,
    name: string,
    signal: AbortSignal,
  ): MaybePromise<KubeObject | Absent>;
  list(kind: KindRef, query: ListQuery, signal: AbortSignal): MaybePromise<KubeObject[] | Absent>;
}

/** What a read is about, in the words of the error messages: `nodes`, `ConfigMap ns/name`. */
export function describeGet(kind: KindRef, namespace: string, name: string): string {
  return `${kind.kind} ${namespace ? `${namespace}/` : ""}${name}`;
}

/** What a list is about, in the words of the error messages. */
export function describeList(kind: KindRef, query: ListQuery): string {
  const where = query.namespace ? ` in namespace ${query.namespace}` : "";
  const selectors = [query.labelSelector, query.fieldSelector].filter(Boolean).join(",");
  return `${pluralOf(kind)}${where}${selectors ? ` (${selectors})` : ""}`;
}

/**
 * Holds a feature to the kinds it declares in `reads`, live and offline alike, so the declaration
 * that RBAC and the docs are written from cannot drift from what the code reads.
 */
export function scopedReader(
  reader: ClusterReader,
  feature: string,
  reads: readonly KindRef[],
): ClusterReader {
  const undeclared = (kind: KindRef): Promise<never> | undefined =>
    reads.some((declared) => sameKind(declared, kind))
      ? undefined
      : Promise.reject(
          new Error(
            `${feature} reads ${kindName(kind)} without declaring it in the feature's reads`,
          ),
        );
  // Not async functions: each promise costs in the Functions Framework's per-request domain, and
  // a refusal is still a rejection, never a throw.
  return {
    get: (kind, namespace, name, signal) =>
      undeclared(kind) ?? reader.get(kind, namespace, name, signal),
    list: (kind, query, signal) => undeclared(kind) ?? reader.list(kind, query, signal),
  };
}
