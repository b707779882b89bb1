import type { FieldCheck } from "./field-check.ts";
import type { KindRef } from "../kube/kinds.ts";
import type { ClusterReader } from "../kube/reader.ts";
import type { MaybePromise } from "../runtime/maybe-promise.ts";
import type { GroupVersionKind } from "./types.ts";
import type { KubeObject } from "../basics/kube-object.ts";

/** What a feature may know of the request: never the uid, the raw body or the patch. */
export interface MutationRequest {
  operation: "CREATE" | "UPDATE";
  kind: GroupVersionKind;
  namespace: string;
  /** Empty for objects created with generateName: the API server has not named them yet. */
  name: string;
  generateName: string;
  /** Set on `kubectl --dry-run=server`: a feature must not write anything to the cluster. */
  dryRun: boolean;
}

/** A feature's answer when it changed the object. */
export interface Mutation<T extends KubeObject> {
  /**
   * The changed object: a new one that shares with the input whatever it does not change (copy
   * only the objects on the paths you change, `copyPath`), or the input itself when nothing
   * changes. The input is the reviewed object, frozen: changing it throws.
   */
  object: T;
  /** Short value for the `<feature>-applied` tracking annotation, e.g. `vmx`. */
  applied: string;
  warnings?: string[];
  /** Added to the response's auditAnnotations (the API server prefixes them with the webhook name). */
  auditAnnotations?: Record<string, string>;
}

/** A feature's answer when the object did not ask for it; the reason is logged. */
export interface Skip {
  skip: string;
  warnings?: string[];
}

/** What `mutate` answers: a mutation or a skip. */
export type MutationOutcome<T extends KubeObject> = Mutation<T> | Skip;

/**
 * One VM capability: a pure mutation plus the cluster view it reads.
 *
 * `view` reads the cluster, only through the reader it is given (live in the function, a
 * snapshot in the preview and in tests), and never writes; `mutate` must be pure so that it can be
 * tested with plain objects; `writes`, when a feature has it, is the only step that writes.
 */
export interface Feature<T extends KubeObject = KubeObject, V = unknown> {
  /** kebab-case; names the env switches (`NESTED_VIRT_ERROR_HANDLING`) and the annotations. */
  name: string;
  kinds: readonly { group: string; kind: string }[];
  operations: readonly ("CREATE" | "UPDATE")[];
  /** The annotation users set to ask for the feature; `strip-label` removes it. */
  triggerAnnotation: string;
  /**
   * Its other annotation keys users may set or it writes, beyond the trigger and the
   * `-applied`/`-error` tracking keys; the preview warns about any other key in its domain.
   */
  otherAnnotations?: readonly string[];
  /** The types of the object's fields it reads and writes, checked before `view`. */
  fields?: FieldCheck;
  /**
   * Every kind `view` reads. The reader refuses any other, so this list is what the function's
   * RBAC grants (get/list), and a feature with none never loads the Kubernetes client.
   */
  reads: readonly KindRef[];
  /**
   * May answer at once (no promise) when it has what it needs: the reader hands over fresh cached
   * answers at hand, and `andThen`/`allOf` (shared/runtime/maybe-promise.ts) keep them so; an async view
   * is as correct, one promise or more a review slower.
   */
  view(
    object: Readonly<T>,
    request: MutationRequest,
    cluster: ClusterReader,
    signal: AbortSignal,
  ): MaybePromise<V>;
  /**
   * Called with the reviewed object deeply frozen: a change in place throws, and the core answers
   * it as an internal error naming the feature. Return a changed copy instead (`copyPath`).
   */
  mutate(object: Readonly<T>, request: MutationRequest, view: V): MutationOutcome<T>;
  /**
   * The cluster writes a mutation needs (vbios-injection's hook ConfigMap), made by the core after
   * `mutate` changed the object and never on a dry run; answers audit annotations saying what was
   * written. A throw is a failure like the view's, answered by the error policy.
   */
  writes?(
    object: Readonly<T>,
    request: MutationRequest,
    cluster: ClusterReader,
    signal: AbortSignal,
  ): MaybePromise<Record<string, string>>;
}

/** Whether the outcome is a skip. */
export function isSkip<T extends KubeObject>(outcome: MutationOutcome<T>): outcome is Skip {
  return "skip" in outcome;
}
