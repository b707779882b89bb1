import { errorAnnotation } from "./annotations.ts";
import { describeError, errorCode } from "../basics/errors.ts";
import { hasAnnotation, removeAnnotation, setAnnotation } from "./metadata.ts";
import type { Context, Decision, Outcome } from "./outcome.ts";
import { diffDecision, featureOutcome, withoutError } from "./outcome.ts";
import { denied } from "./response.ts";
import type { KubeObject } from "../basics/kube-object.ts";

/** The decision the feature's error handling setting makes of a failure. */
export async function errorPolicyDecision(
  context: Context,
  original: KubeObject,
  error: unknown,
): Promise<Decision> {
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
      return diffDecision(original, marked, {
        result: "error-allowed",
        warnings: [message],
        reason: message,
      });
    }
    case "strip-label":
      return strippedDecision(context, original, message);
  }
}

/**
 * strip-label admits the object as if it had never carried the trigger: without it (and without a
 * stale error annotation), run through the feature once more, since a VM may still qualify by a
 * rule. Otherwise a reinvocation would see the stripped object and patch it again.
 */
async function strippedDecision(
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
    return diffDecision(original, stripped, { ...base, warnings: [message] });
  // A second failure is reported by the first message alone.
  let again: Outcome | undefined;
  try {
    again = await featureOutcome(context, stripped);
  } catch {
    again = undefined;
  }
  return diffDecision(original, again?.object ?? stripped, {
    ...base,
    warnings: [message, ...(again?.warnings ?? [])],
  });
}

/** The 500 naming the feature, for a failure of the error policy itself. */
export function internalErrorDecision(feature: string, error: unknown): Decision {
  const message = describeError(feature, error);
  return { answer: denied(message, 500), result: "denied", reason: message, patchOps: 0 };
}
