import type { ClusterReader } from "../kube/reader.ts";
import { scopedReader } from "../kube/reader.ts";
import { EMPTY_CLUSTER } from "../kube/snapshot-reader.ts";
import { withDeadline } from "../runtime/deadline.ts";
import type { MaybePromise } from "../runtime/maybe-promise.ts";
import { andThen } from "../runtime/maybe-promise.ts";
import { appliedAnnotation, errorAnnotation } from "./annotations.ts";
import { describeError, errorCode } from "./errors.ts";
import type { Feature, MutationOutcome, MutationRequest } from "./feature.ts";
import { isSkip } from "./feature.ts";
import { diff } from "./patch.ts";
import type { Answer } from "./response.ts";
import { allowed, denied, patched } from "./response.ts";
import type { CoreSettings } from "./settings.ts";
import { checkMetadata, hasAnnotation, removeAnnotation, setAnnotation } from "./metadata.ts";
import type { AdmissionRequest, KubeObject } from "./types.ts";

export type Result =
  "ignored" | "skipped" | "patched" | "unchanged" | "denied" | "error-allowed" | "error-stripped";

/** What one admission decided: the answer for the API server and what to log. */
export interface Decision {
  answer: Answer;
  result: Result;
  reason?: string;
  patchOps: number;
}

/**
 * The one admission path every feature goes through: match, read the cluster view, run the
 * feature's mutation, apply the error policy and the tracking annotations, and diff against the
 * original. It never throws nor rejects: whatever fails, even in the error policy, is an answer.
 *
 * The decision is at hand when the feature's view was (every read it made was a fresh cached
 * answer), else a promise of it: once a process has made a domain (the Functions Framework makes
 * one per call) its async hook sees every promise, ~1 µs each under load, and the path makes none
 * of its own (see MaybePromise).
 */
export function admit(
  feature: Feature,
  request: AdmissionRequest,
  settings: CoreSettings,
  cluster: ClusterReader = EMPTY_CLUSTER,
): MaybePromise<Decision> {
  const fail = (error: unknown): Decision => {
    const message = describeError(feature.name, error);
    return { answer: denied(message, 500), result: "denied", reason: message, patchOps: 0 };
  };
  try {
    const ignored = ignoreReason(feature, request);
    if (ignored || !request.object)
      return { answer: allowed(), result: "ignored", reason: ignored, patchOps: 0 };
    const original = request.object;
    const context = { feature, settings, cluster, request: toMutationRequest(request, original) };
    const policy = (error: unknown): MaybePromise<Decision> =>
      guarded(() => onError(context, original, error), fail);
    return guarded(() => andThen(attempt(context, original), (o) => decided(original, o)), policy);
  } catch (error) {
    return fail(error);
  }
}

/** `run`'s decision, or `onThrow`'s for what it throws or rejects with. */
function guarded(
  run: () => MaybePromise<Decision>,
  onThrow: (error: unknown) => MaybePromise<Decision>,
): MaybePromise<Decision> {
  try {
    const decision = run();
    return decision instanceof Promise ? decision.catch(onThrow) : decision;
  } catch (error) {
    return onThrow(error);
  }
}

function decided(original: KubeObject, outcome: Attempt): Decision {
  const decision = finish(original, outcome.object, outcome);
  if (outcome.auditAnnotations) decision.answer.auditAnnotations = outcome.auditAnnotations;
  return decision;
}

interface Context {
  feature: Feature;
  settings: CoreSettings;
  cluster: ClusterReader;
  request: MutationRequest;
}

/** What the feature made of one object, before the diff. */
interface Attempt {
  object: KubeObject;
  result: "skipped" | "patched";
  warnings?: readonly string[] | undefined;
  reason?: string;
  auditAnnotations?: Record<string, string> | undefined;
}

/** Reads the view and runs the feature on `object`; a refusal throws, or rejects once it waited. */
function attempt(context: Context, object: KubeObject): MaybePromise<Attempt> {
  const { feature, settings, cluster, request } = context;
  checkMetadata(object);
  // The feature reads the reviewed object itself and never changes it (Feature's contract, held
  // by every feature test: their reviews are frozen); what it returns shares what it did not
  // change, which the diff then need not walk.
  return withDeadline(
    settings.viewDeadlineMs,
    (signal) =>
      feature.view(object, request, scopedReader(cluster, feature.name, feature.reads), signal),
    (view) => mutated(context, object, feature.mutate(object, request, view)),
  );
}

function mutated(
  { feature, settings }: Context,
  object: KubeObject,
  outcome: MutationOutcome<KubeObject>,
): Attempt {
  if (isSkip(outcome)) {
    return {
      object: withoutError(object, feature.name),
      result: "skipped",
      warnings: outcome.warnings,
      reason: outcome.skip,
    };
  }
  const changed = settings.tracking
    ? track(outcome.object, feature.name, outcome.applied)
    : withoutError(outcome.object, feature.name);
  return {
    object: changed,
    result: "patched",
    warnings: outcome.warnings,
    auditAnnotations: outcome.auditAnnotations,
  };
}

/** Why the request is not for this feature ("" or undefined = it is). */
export function ignoreReason(feature: Feature, request: AdmissionRequest): string | undefined {
  const kind = request.kind;
  if (!feature.kinds.some((k) => k.group === kind.group && k.kind === kind.kind)) {
    return `kind ${kind.group}/${kind.kind} is not handled`;
  }
  if (!feature.operations.some((op) => op === request.operation)) {
    return `operation ${request.operation} is not handled`;
  }
  if (request.subResource) return `subresource ${request.subResource} is not handled`;
  if (!request.object) return "the request carries no object";
  // Updates to an object being deleted only clear finalizers; refusing them would strand it.
  if (request.object.metadata?.["deletionTimestamp"]) return "the object is being deleted";
  return undefined;
}

// Strings only: what a feature puts in a message or a lookup must be what it reads.
const text = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

function toMutationRequest(request: AdmissionRequest, object: KubeObject): MutationRequest {
  return {
    operation: request.operation === "UPDATE" ? "UPDATE" : "CREATE",
    kind: request.kind,
    namespace: text(request.namespace) ?? text(object.metadata?.namespace) ?? "",
    name: text(request.name) || text(object.metadata?.name) || "",
    generateName: text(object.metadata?.generateName) ?? "",
    dryRun: request.dryRun === true,
  };
}

async function onError(context: Context, original: KubeObject, error: unknown): Promise<Decision> {
  const { feature, settings } = context;
  const message = describeError(feature.name, error);
  switch (settings.errorHandling) {
    case "reject":
      return {
        answer: denied(message, errorCode(error)),
        result: "denied",
        reason: message,
        patchOps: 0,
      };
    case "allow-and-log": {
      const marked = setAnnotation(original, errorAnnotation(feature.name), message);
      return finish(original, marked, {
        result: "error-allowed",
        warnings: [message],
        reason: message,
      });
    }
    case "strip-label":
      return stripTrigger(context, original, message);
  }
}

/**
 * strip-label admits the object as if it had never carried the trigger: without it (and without a
 * stale error annotation), run through the feature once more, since a VM may still qualify by a
 * rule. Otherwise a reinvocation would see the stripped object and patch it again.
 */
async function stripTrigger(
  context: Context,
  original: KubeObject,
  message: string,
): Promise<Decision> {
  const { feature } = context;
  const stripped = withoutError(
    removeAnnotation(original, feature.triggerAnnotation),
    feature.name,
  );
  const base = { result: "error-stripped" as const, reason: message };
  // Without the trigger the first answer already was the stripped object's.
  if (!hasAnnotation(original, feature.triggerAnnotation))
    return finish(original, stripped, { ...base, warnings: [message] });
  // A second failure is reported by the first message alone.
  let again: Attempt | undefined;
  try {
    again = await attempt(context, stripped);
  } catch {
    again = undefined;
  }
  return finish(original, again?.object ?? stripped, {
    ...base,
    warnings: [message, ...(again?.warnings ?? [])],
  });
}

interface Finish {
  result: Result;
  warnings?: readonly string[] | undefined;
  reason?: string | undefined;
}

function finish(
  original: KubeObject,
  changed: KubeObject,
  { result, warnings = [], reason }: Finish,
): Decision {
  const ops = changed === original ? [] : diff(original, changed);
  const settled = ops.length === 0 && result === "patched" ? "unchanged" : result;
  return { answer: patched(ops, warnings), result: settled, reason, patchOps: ops.length };
}

function track(object: KubeObject, feature: string, applied: string): KubeObject {
  return setAnnotation(withoutError(object, feature), appliedAnnotation(feature), applied);
}

function withoutError(object: KubeObject, feature: string): KubeObject {
  return removeAnnotation(object, errorAnnotation(feature));
}
