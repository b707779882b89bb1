import type { ClusterReader } from "../kube/reader.ts";
import { scopedReader } from "../kube/reader.ts";
import { EMPTY_CLUSTER } from "../kube/snapshot-reader.ts";
import { withDeadline } from "../runtime/deadline.ts";
import { appliedAnnotation, errorAnnotation } from "./annotations.ts";
import { describeError, errorCode } from "./errors.ts";
import type { Feature, MutationRequest } from "./feature.ts";
import { isSkip } from "./feature.ts";
import { cloneJson, diff } from "./patch.ts";
import type { Answer } from "./response.ts";
import { allowed, denied, patched } from "./response.ts";
import type { CoreSettings } from "./settings.ts";
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
 * The one admission path every feature goes through: match, read the cluster view, mutate a copy,
 * apply the error policy and the tracking annotations, and diff against the original.
 */
export async function admit(
  feature: Feature,
  request: AdmissionRequest,
  settings: CoreSettings,
  cluster: ClusterReader = EMPTY_CLUSTER,
): Promise<Decision> {
  const ignored = ignoreReason(feature, request);
  if (ignored || !request.object)
    return { answer: allowed(), result: "ignored", reason: ignored, patchOps: 0 };
  const original = request.object;
  const mutationRequest = toMutationRequest(request, original);
  try {
    // One copy for the feature, read-only to view and mutate alike; the original stays the
    // diff's base whatever a feature does with its copy.
    const input = cloneJson(original);
    const view = await withDeadline(settings.viewDeadlineMs, (signal) =>
      feature.view(
        input,
        mutationRequest,
        scopedReader(cluster, feature.name, feature.reads),
        signal,
      ),
    );
    const outcome = feature.mutate(input, mutationRequest, view);
    if (isSkip(outcome)) {
      return finish(original, withoutError(withErrorCopy(original, feature.name), feature.name), {
        result: "skipped",
        warnings: outcome.warnings,
        reason: outcome.skip,
      });
    }
    const changed = settings.tracking
      ? track(outcome.object, feature.name, outcome.applied)
      : withoutError(outcome.object, feature.name);
    const decision = finish(original, changed, { result: "patched", warnings: outcome.warnings });
    if (outcome.auditAnnotations) decision.answer.auditAnnotations = outcome.auditAnnotations;
    return decision;
  } catch (error) {
    return onError(feature, settings, original, error);
  }
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

function toMutationRequest(request: AdmissionRequest, object: KubeObject): MutationRequest {
  return {
    operation: request.operation === "UPDATE" ? "UPDATE" : "CREATE",
    kind: request.kind,
    namespace: request.namespace ?? object.metadata?.namespace ?? "",
    name: request.name || object.metadata?.name || "",
    generateName: object.metadata?.generateName ?? "",
    dryRun: request.dryRun === true,
  };
}

function onError(
  feature: Feature,
  settings: CoreSettings,
  original: KubeObject,
  error: unknown,
): Decision {
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
      const marked = setAnnotation(cloneJson(original), errorAnnotation(feature.name), message);
      return finish(original, marked, {
        result: "error-allowed",
        warnings: [message],
        reason: message,
      });
    }
    case "strip-label": {
      const stripped = removeAnnotation(cloneJson(original), feature.triggerAnnotation);
      return finish(original, stripped, {
        result: "error-stripped",
        warnings: [message],
        reason: message,
      });
    }
  }
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

// A skipped object changes only when it carries the error annotation: only then is a copy needed.
function withErrorCopy(original: KubeObject, feature: string): KubeObject {
  const annotations = original.metadata?.annotations;
  return annotations && errorAnnotation(feature) in annotations ? cloneJson(original) : original;
}

// Changes `object` in place: callers pass a copy the core owns (the feature's output is one).
function withoutError(object: KubeObject, feature: string): KubeObject {
  return removeAnnotation(object, errorAnnotation(feature));
}

function setAnnotation(object: KubeObject, key: string, value: string): KubeObject {
  object.metadata = {
    ...object.metadata,
    annotations: { ...object.metadata?.annotations, [key]: value },
  };
  return object;
}

function removeAnnotation(object: KubeObject, key: string): KubeObject {
  const annotations = object.metadata?.annotations;
  if (annotations && key in annotations) delete annotations[key];
  return object;
}
