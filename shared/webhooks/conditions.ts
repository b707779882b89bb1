import { isCelError, run } from "@bufbuild/cel";
import type { CelInput } from "@bufbuild/cel";
import type { AdmissionRequest } from "../admission/types.ts";
import { authorizerFunctions, authorizerVariable } from "./authorizer.ts";
import type { WebhookEntry } from "./entry.ts";
import type { Authorize } from "./rbac.ts";
import { RBAC_KINDS } from "./rbac.ts";

/** What an entry's matchConditions decide, as the API server's matchconditions matcher does. */
export type ConditionsOutcome =
  | { holds: true; warnings: string[] }
  | { holds: false; reason: string }
  /** A condition failed to evaluate and none was false, under failurePolicy Fail: the request is rejected. */
  | { holds: false; error: string };

/** Without RBAC objects to ask, a condition that calls the authorizer is assumed to hold. */
const USES_AUTHORIZER = /\bauthorizer\b/;

function bindings(request: AdmissionRequest, authorize?: Authorize): Record<string, CelInput> {
  const { object = null, oldObject = null, ...rest } = request;
  // Through JSON, as the API server hands CEL the objects: no undefined, plain maps and lists.
  const plain = JSON.parse(JSON.stringify({ object, oldObject, request: rest })) as Record<
    string,
    CelInput
  >;
  return authorize ? { ...plain, authorizer: authorizerVariable(request) as CelInput } : plain;
}

/** A condition's value: true, false, or why it failed to evaluate. */
function evaluate(name: string, result: ReturnType<typeof run>): boolean | string {
  if (isCelError(result)) return `matchCondition ${name}: ${result.message}`;
  if (typeof result !== "boolean")
    return `matchCondition ${name}: evaluates to ${String(result)}, not a bool`;
  return result;
}

/**
 * Evaluates every matchCondition with CEL on the variables the API server binds (`object`,
 * `oldObject`, `request`, and `authorizer` when `authorize` answers for RBAC). A false condition skips the call even when another failed to
 * evaluate; an evaluation error without a false one rejects the request under failurePolicy
 * Fail (the API server's default) and skips the call under Ignore.
 */
export function evaluateConditions(
  hook: WebhookEntry,
  request: AdmissionRequest,
  authorize?: Authorize,
): ConditionsOutcome {
  const variables = bindings(request, authorize);
  const funcs = authorize ? authorizerFunctions(authorize) : [];
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const { name, expression } of hook.matchConditions ?? []) {
    if (!authorize && USES_AUTHORIZER.test(expression)) {
      warnings.push(
        `matchCondition ${name} asks the authorizer, which the preview cannot without RBAC: assumed true; add the cluster's ${RBAC_KINDS.join("s, ")}s to the snapshot (kubectl get roles,clusterroles,rolebindings,clusterrolebindings -A -o yaml)`,
      );
      continue;
    }
    const result = evaluate(name, run(expression, variables, { funcs }));
    if (result === false) return { holds: false, reason: `matchCondition ${name} is false` };
    if (typeof result === "string") errors.push(result);
  }
  if (errors.length === 0) return { holds: true, warnings };
  if (hook.failurePolicy === "Ignore")
    return {
      holds: false,
      reason: `${errors.join("; ")} (failurePolicy Ignore skips the call)`,
    };
  return { holds: false, error: errors.join("; ") };
}
