import type { ClusterReader } from "../kube/reader.ts";
import { EMPTY_CLUSTER } from "../kube/snapshot-reader.ts";
import type { MaybePromise } from "../runtime/maybe-promise.ts";
import { andThen } from "../runtime/maybe-promise.ts";
import { errorPolicyDecision, internalErrorDecision } from "./error-policy.ts";
import type { Feature, MutationRequest } from "./feature.ts";
import type { Context, Decision } from "./outcome.ts";
import { featureOutcome, outcomeDecision } from "./outcome.ts";
import { allowed } from "./response.ts";
import type { CoreSettings } from "./settings.ts";
import type { AdmissionRequest } from "./types.ts";
import type { KubeObject } from "../basics/kube-object.ts";

/**
 * The one admission path every feature goes through. It never throws nor rejects: whatever fails,
 * even in the error policy, is an answer. Its steps, in order:
 *
 * 1. a request the feature does not handle is allowed unchanged (`ignoreReason`);
 * 2. the feature reads its view and mutates the object (`featureOutcome`, outcome.ts);
 * 3. the outcome becomes a patch against the original (`outcomeDecision`, outcome.ts);
 * 4. a failure in 2 or 3 is answered as the error handling setting says (`errorPolicyDecision`,
 *    error-policy.ts), and a failure there is a 500 naming the feature (`internalErrorDecision`).
 *
 * The decision is at hand when the feature's view was (every read it made was a fresh cached
 * answer), else a promise of it: the path makes no promise of its own (see MaybePromise).
 */
export function admit(
  feature: Feature,
  request: AdmissionRequest,
  settings: CoreSettings,
  cluster: ClusterReader = EMPTY_CLUSTER,
): MaybePromise<Decision> {
  const internalError = (error: unknown): Decision => internalErrorDecision(feature.name, error);
  try {
    const ignored = ignoreReason(feature, request);
    if (ignored || !request.object)
      return { answer: allowed(), result: "ignored", reason: ignored, patchOps: 0 };
    const original = request.object;
    const context: Context = {
      feature,
      settings,
      cluster,
      request: toMutationRequest(request, original),
    };
    return decisionOr(
      () => andThen(featureOutcome(context, original), (o) => outcomeDecision(original, o)),
      (error) => decisionOr(() => errorPolicyDecision(context, original, error), internalError),
    );
  } catch (error) {
    return internalError(error);
  }
}

/** `run`'s decision, or `onFailure`'s for what `run` throws or rejects with. */
function decisionOr(
  run: () => MaybePromise<Decision>,
  onFailure: (error: unknown) => MaybePromise<Decision>,
): MaybePromise<Decision> {
  try {
    const decision = run();
    return decision instanceof Promise ? decision.catch(onFailure) : decision;
  } catch (error) {
    return onFailure(error);
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

// Strings only: what a feature puts in a message or a lookup must be what it reads.
const text = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

/** The request as a feature may see it: never the uid, the raw body or the patch. */
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
