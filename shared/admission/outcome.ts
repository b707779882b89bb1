import type { ClusterReader } from "../kube/reader.ts";
import { scopedReader } from "../kube/reader.ts";
import { withDeadline } from "../runtime/deadline.ts";
import type { MaybePromise } from "../runtime/maybe-promise.ts";
import { andThen } from "../runtime/maybe-promise.ts";
import { appliedAnnotation, errorAnnotation } from "./annotations.ts";
import type { Feature, MutationOutcome, MutationRequest } from "./feature.ts";
import { isSkip } from "./feature.ts";
import { checkFields } from "./field-check.ts";
import { deepFreeze } from "../basics/sharing.ts";
import { checkMetadata, removeAnnotation, setAnnotation } from "./metadata.ts";
import { diff } from "./patch.ts";
import type { Answer } from "./response.ts";
import { patched } from "./response.ts";
import type { CoreSettings } from "./settings.ts";
import type { KubeObject } from "../basics/kube-object.ts";

/** How an admission ended, as the log line and the metrics name it. */
export type Result =
  "ignored" | "skipped" | "patched" | "unchanged" | "denied" | "error-allowed" | "error-stripped";

/** What one admission decided: the answer for the API server and what to log. */
export interface Decision {
  answer: Answer;
  result: Result;
  reason?: string;
  patchOps: number;
}

/** Everything one admission of one feature works with. */
export interface Context {
  feature: Feature;
  settings: CoreSettings;
  cluster: ClusterReader;
  request: MutationRequest;
}

/** What the feature made of one object, before the diff. */
export interface Outcome {
  object: KubeObject;
  result: "skipped" | "patched";
  warnings?: readonly string[] | undefined;
  reason?: string;
  auditAnnotations?: Record<string, string> | undefined;
}

/**
 * The feature's outcome for `object`: its view read, its mutation, then its writes (not on a dry
 * run); a refusal throws. The object is frozen first, so the feature can neither change what the
 * diff compares against nor hand it back edited: what it returns shares what it did not change,
 * which the diff then need not walk.
 */
export function featureOutcome(context: Context, object: KubeObject): MaybePromise<Outcome> {
  const { feature, settings, cluster, request } = context;
  checkMetadata(object);
  if (feature.fields) checkFields(feature.fields, object);
  deepFreeze(object);
  const reader = scopedReader(cluster, feature.name, feature.reads);
  const track = (outcome: MutationOutcome<KubeObject>): Outcome =>
    trackedOutcome(context, object, outcome);
  const writes = request.dryRun ? undefined : feature.writes?.bind(feature);
  if (!writes) {
    return withDeadline(
      settings.viewDeadlineMs,
      (signal) => feature.view(object, request, reader, signal),
      (view) => track(mutation(feature, object, request, view)),
    );
  }
  // The writes share the view's deadline: together they are the feature's time on the cluster.
  return withDeadline(
    settings.viewDeadlineMs,
    (signal) =>
      andThen(feature.view(object, request, reader, signal), (view) =>
        withWrites(mutation(feature, object, request, view), (changed) =>
          writes(changed, request, reader, signal),
        ),
      ),
    track,
  );
}

/** `mutate`'s outcome; an edit of its frozen input becomes an error that says so. */
function mutation(
  feature: Feature,
  object: KubeObject,
  request: MutationRequest,
  view: unknown,
): MutationOutcome<KubeObject> {
  try {
    return feature.mutate(object, request, view);
  } catch (error) {
    if (!(error instanceof TypeError) || !FROZEN_WRITE.test(error.message)) throw error;
    throw new Error(
      `mutate changed the object it was given (${error.message}); return a changed copy (copyPath)`,
      { cause: error },
    );
  }
}

// V8's messages for a write, an addition and a deletion on a frozen object.
const FROZEN_WRITE = /read only property|object is not extensible|Cannot delete property/;

/** A mutation with the audit annotations of the writes it needed; a skip writes nothing. */
function withWrites(
  outcome: MutationOutcome<KubeObject>,
  write: (changed: KubeObject) => MaybePromise<Record<string, string>>,
): MaybePromise<MutationOutcome<KubeObject>> {
  if (isSkip(outcome)) return outcome;
  return andThen(write(outcome.object), (written) => ({
    ...outcome,
    auditAnnotations: { ...outcome.auditAnnotations, ...written },
  }));
}

/** The mutation's outcome with the tracking annotations set (or a stale error one removed). */
function trackedOutcome(
  { feature, settings }: Context,
  object: KubeObject,
  outcome: MutationOutcome<KubeObject>,
): Outcome {
  if (isSkip(outcome)) {
    return {
      object: withoutError(object, feature.name),
      result: "skipped",
      warnings: outcome.warnings,
      reason: outcome.skip,
    };
  }
  const changed = settings.tracking
    ? withApplied(outcome.object, feature.name, outcome.applied)
    : withoutError(outcome.object, feature.name);
  return {
    object: changed,
    result: "patched",
    warnings: outcome.warnings,
    auditAnnotations: outcome.auditAnnotations,
  };
}

/** The decision for a feature's outcome: its diff from the original, with its audit annotations. */
export function outcomeDecision(original: KubeObject, outcome: Outcome): Decision {
  const decision = diffDecision(original, outcome.object, outcome);
  if (outcome.auditAnnotations) decision.answer.auditAnnotations = outcome.auditAnnotations;
  return decision;
}

/** How a decision is logged, beside the patch. */
export interface Verdict {
  result: Result;
  warnings?: readonly string[] | undefined;
  reason?: string | undefined;
}

/** The decision that patches `original` into `changed` (an unchanged "patched" is "unchanged"). */
export function diffDecision(
  original: KubeObject,
  changed: KubeObject,
  { result, warnings = [], reason }: Verdict,
): Decision {
  const ops = changed === original ? [] : diff(original, changed);
  const settled = ops.length === 0 && result === "patched" ? "unchanged" : result;
  return { answer: patched(ops, warnings), result: settled, reason, patchOps: ops.length };
}

function withApplied(object: KubeObject, feature: string, applied: string): KubeObject {
  return setAnnotation(withoutError(object, feature), appliedAnnotation(feature), applied);
}

/** `object` without the feature's error annotation, left by an earlier failed review. */
export function withoutError(object: KubeObject, feature: string): KubeObject {
  return removeAnnotation(object, errorAnnotation(feature));
}
