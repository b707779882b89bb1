import type { AdmissionRequest } from "../admission/types.ts";
import { evaluateConditions } from "./conditions.ts";
import type { Rule, WebhookEntry } from "./entry.ts";
import { unmetRequirement } from "./selector.ts";

// Whether the API server calls a webhook entry for a request, after k8s.io/apiserver's
// admission/plugin/webhook: generic.ShouldCallHook (namespaceSelector, objectSelector, rules),
// predicates/rules (scope, operation, group, version, resource/subresource with "*"),
// predicates/namespace, predicates/object and matchconditions. matchPolicy Equivalent (a rule
// for another version of the same resource) is not modelled: every entry here names its versions.

/** Called, with what the preview could not decide; skipped, with why; or the request rejected. */
export type Dispatch =
  | { call: true; warnings: string[] }
  | { call: false; reason: string }
  | { call: false; error: string };

const NAMESPACES = { group: "", version: "v1", resource: "namespaces" };

const wildcardOr = (items: readonly string[], requested: string): boolean =>
  items.includes("*") || items.includes(requested);

function inScope(rule: Rule, request: AdmissionRequest): boolean {
  const namespaceObject =
    request.resource?.group === NAMESPACES.group &&
    request.resource.version === NAMESPACES.version &&
    request.resource.resource === NAMESPACES.resource;
  if (rule.scope === "Namespaced") return !namespaceObject && Boolean(request.namespace);
  if (rule.scope === "Cluster") return namespaceObject || !request.namespace;
  return true;
}

function resourceMatches(rule: Rule, request: AdmissionRequest): boolean {
  const resource = request.resource?.resource ?? "";
  const subresource = request.subResource ?? "";
  return rule.resources.some((entry) => {
    const slash = entry.indexOf("/");
    const [res, sub] = slash < 0 ? [entry, ""] : [entry.slice(0, slash), entry.slice(slash + 1)];
    return (res === "*" || res === resource) && (sub === "*" || sub === subresource);
  });
}

const ruleMatches = (rule: Rule, request: AdmissionRequest): boolean =>
  inScope(rule, request) &&
  wildcardOr(rule.operations, request.operation) &&
  wildcardOr(rule.apiGroups, request.resource?.group ?? "") &&
  wildcardOr(rule.apiVersions, request.resource?.version ?? "") &&
  resourceMatches(rule, request);

/** Whether one of the entry's rules selects the request, whatever its selectors say. */
function rulesSelect(hook: WebhookEntry, request: AdmissionRequest): boolean {
  return (hook.rules ?? []).some((rule) => ruleMatches(rule, request));
}

function describe(request: AdmissionRequest): string {
  const { group = "", version = "", resource = "" } = request.resource ?? {};
  const sub = request.subResource ? `/${request.subResource}` : "";
  const scope = request.namespace ? `in namespace ${request.namespace}` : "cluster-scoped";
  return `${request.operation} of ${resource}${sub}${group ? `.${group}` : ""}/${version} ${scope}`;
}

/** Why the selectors leave the request out, in the order the API server checks them. */
function selectorReason(
  hook: WebhookEntry,
  request: AdmissionRequest,
  namespaceLabels: Readonly<Record<string, string>>,
): string | undefined {
  // A cluster-scoped object other than a Namespace is never exempted by a namespaceSelector.
  if (request.namespace || request.resource?.resource === NAMESPACES.resource) {
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
 * real server always sets `kubernetes.io/metadata.name`; the caller adds it).
 */
export function dispatch(
  hook: WebhookEntry,
  request: AdmissionRequest,
  namespaceLabels: Readonly<Record<string, string>>,
): Dispatch {
  // The rules first: the API server checks them after the selectors, to the same effect, but
  // "no rule selects" is the answer a user needs for an object of the wrong kind.
  if (!rulesSelect(hook, request))
    return { call: false, reason: `no rule selects ${describe(request)}` };
  const selected = selectorReason(hook, request, namespaceLabels);
  if (selected) return { call: false, reason: selected };
  const conditions = evaluateConditions(hook, request);
  if (conditions.holds) return { call: true, warnings: conditions.warnings };
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
