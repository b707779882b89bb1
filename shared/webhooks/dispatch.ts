import type { AdmissionRequest } from "../admission/types.ts";
import { evaluateConditions } from "./conditions.ts";
import type { WebhookEntry } from "./entry.ts";
import type { Authorize } from "./rbac.ts";
import { equivalentMatch, equivalentRequest } from "./equivalent.ts";
import { describe, resourceName, rulesSelect } from "./rules.ts";
import { unmetRequirement } from "./selector.ts";

// Whether the API server calls a webhook entry for a request, after k8s.io/apiserver's
// admission/plugin/webhook: generic.ShouldCallHook (namespaceSelector, objectSelector, rules with
// matchPolicy), predicates/namespace, predicates/object and matchconditions.

/**
 * Called, with what the preview could not decide and, when the API server calls the entry for
 * another version of the resource (matchPolicy Equivalent), the request converted to it; skipped,
 * with why; or the request rejected.
 */
export type Dispatch =
  | { call: true; warnings: string[]; converted?: AdmissionRequest }
  | { call: false; reason: string }
  | { call: false; error: string };

/** Why no rule selects the request, with the rule matchPolicy Exact leaves out if there is one. */
function noRule(hook: WebhookEntry, request: AdmissionRequest): string {
  const left = hook.matchPolicy === "Exact" ? equivalentMatch(hook, request) : undefined;
  const exact = left
    ? ` (matchPolicy Exact leaves out the rule for ${resourceName(left, request.subResource)})`
    : "";
  return `no rule selects ${describe(request)}${exact}`;
}

/** Why the selectors leave the request out, in the order the API server checks them. */
function selectorReason(
  hook: WebhookEntry,
  request: AdmissionRequest,
  namespaceLabels: Readonly<Record<string, string>>,
): string | undefined {
  // A cluster-scoped object other than a Namespace is never exempted by a namespaceSelector.
  if (request.namespace || request.resource?.resource === "namespaces") {
    const unmet = unmetRequirement(hook.namespaceSelector, namespaceLabels);
    if (unmet) return `namespace ${request.namespace ?? ""} ${unmet}`;
  }
  // The objectSelector matches the object or the old one (an UPDATE that removes a label).
  const objects = [request.object, request.oldObject].filter((object) => object);
  const unmetBy = (objects.length > 0 ? objects : [null]).map((object) =>
    unmetRequirement(hook.objectSelector, object?.metadata?.labels ?? {}),
  );
  return unmetBy.every(Boolean) ? `the object ${unmetBy[0] ?? ""}` : undefined;
}

/**
 * Whether the API server calls `hook` for `request`, in a namespace with `namespaceLabels` (the
 * real server always sets `kubernetes.io/metadata.name`; the caller adds it); `authorize` answers
 * the matchConditions' authorizer, which is otherwise assumed to allow, with a warning.
 */
export function dispatch(
  hook: WebhookEntry,
  request: AdmissionRequest,
  namespaceLabels: Readonly<Record<string, string>>,
  authorize?: Authorize,
): Dispatch {
  // The rules first: the API server checks them after the selectors, to the same effect, but
  // "no rule selects" is the answer a user needs for an object of the wrong kind.
  const exact = rulesSelect(hook, request);
  const converted = exact ? undefined : equivalentRequest(hook, request);
  if (!exact && !converted) return { call: false, reason: noRule(hook, request) };
  const selected = selectorReason(hook, request, namespaceLabels);
  if (selected) return { call: false, reason: selected };
  // matchConditions see the request as the webhook would receive it.
  const conditions = evaluateConditions(hook, converted ?? request, authorize);
  if (conditions.holds)
    return { call: true, warnings: conditions.warnings, ...(converted ? { converted } : {}) };
  return "error" in conditions
    ? { call: false, error: conditions.error }
    : { call: false, reason: conditions.reason };
}

/** Whether the API server calls `hook` for `request`; a rejection is thrown. */
export function calls(
  hook: WebhookEntry,
  request: AdmissionRequest,
  namespaceLabels: Readonly<Record<string, string>>,
): boolean {
  const decision = dispatch(hook, request, namespaceLabels);
  if ("error" in decision) throw new Error(`${hook.name}: ${decision.error}`);
  return decision.call;
}
