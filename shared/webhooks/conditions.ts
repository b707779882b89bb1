import { isCelError, run } from "@bufbuild/cel";
import type { CelInput } from "@bufbuild/cel";
import type { AdmissionRequest } from "../admission/types.ts";
import type { WebhookEntry } from "./entry.ts";

/** What an entry's matchConditions decide, as the API server's matchconditions matcher does. */
export type ConditionsOutcome =
  | { holds: true; warnings: string[] }
  | { holds: false; reason: string }
  /** A condition failed to evaluate and none was false, under failurePolicy Fail: the request is rejected. */
  | { holds: false; error: string };

/** The preview has no RBAC to ask: a condition that calls the authorizer is assumed to hold. */
const USES_AUTHORIZER = /\bauthorizer\b/;

function bindings(request: AdmissionRequest): Record<string, CelInput> {
  const { object = null, oldObject = null, ...rest } = request;
  // Through JSON, as the API server hands CEL the objects: no undefined, plain maps and lists.
  return JSON.parse(JSON.stringify({ object, oldObject, request: rest })) as Record<
    string,
    CelInput
  >;
}

/**
 * Evaluates every matchCondition with CEL on the variables the API server binds (`object`,
 * `oldObject`, `request`). A false condition skips the call even when another failed to
 * evaluate; an evaluation error without a false one rejects the request under failurePolicy
 * Fail (the API server's default) and skips the call under Ignore.
 */
export function evaluateConditions(
  hook: WebhookEntry,
  request: AdmissionRequest,
): ConditionsOutcome {
  const variables = bindings(request);
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const { name, expression } of hook.matchConditions ?? []) {
    if (USES_AUTHORIZER.test(expression)) {
      warnings.push(
        `matchCondition ${name} asks the authorizer, which the preview cannot: assumed true`,
      );
      continue;
    }
    const result = run(expression, variables);
    if (isCelError(result)) errors.push(`matchCondition ${name}: ${result.message}`);
    else if (typeof result !== "boolean")
      errors.push(`matchCondition ${name}: evaluates to ${String(result)}, not a bool`);
    else if (!result) return { holds: false, reason: `matchCondition ${name} is false` };
  }
  if (errors.length === 0) return { holds: true, warnings };
  if (hook.failurePolicy === "Ignore")
    return {
      holds: false,
      reason: `${errors.join("; ")} (failurePolicy Ignore skips the call)`,
    };
  return { holds: false, error: errors.join("; ") };
}
