import type { AdmissionRequest } from "../admission/types.ts";
import type { Rule, WebhookEntry } from "./entry.ts";

// An entry's rules against a request, after k8s.io/apiserver's admission/plugin/webhook
// predicates/rules (scope, operation, group, version, resource/subresource with "*").

/** A resource at one version, as a request names it. */
export interface Resource {
  group: string;
  version: string;
  resource: string;
}

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

function resourceMatches(rule: Rule, resource: string, subresource: string): boolean {
  return rule.resources.some((entry) => {
    const slash = entry.indexOf("/");
    const [res, sub] = slash < 0 ? [entry, ""] : [entry.slice(0, slash), entry.slice(slash + 1)];
    return (res === "*" || res === resource) && (sub === "*" || sub === subresource);
  });
}

const NO_RESOURCE: Resource = { group: "", version: "", resource: "" };

/** Whether `rule` selects the request, taken as a request for `resource` (its own by default). */
export function ruleMatches(
  rule: Rule,
  request: AdmissionRequest,
  resource: Resource = request.resource ?? NO_RESOURCE,
): boolean {
  return (
    inScope(rule, request) &&
    wildcardOr(rule.operations, request.operation) &&
    wildcardOr(rule.apiGroups, resource.group) &&
    wildcardOr(rule.apiVersions, resource.version) &&
    resourceMatches(rule, resource.resource, request.subResource ?? "")
  );
}

/** Whether one of the entry's rules selects the request at its own version. */
export function rulesSelect(hook: WebhookEntry, request: AdmissionRequest): boolean {
  return (hook.rules ?? []).some((rule) => ruleMatches(rule, request));
}

/** `virtualmachines.kubevirt.io/v1`, `pods/status/v1`. */
export function resourceName({ group, version, resource }: Resource, subresource = ""): string {
  const sub = subresource ? `/${subresource}` : "";
  return `${resource}${sub}${group ? `.${group}` : ""}/${version}`;
}

/** The request in words: `CREATE of virtualmachines.kubevirt.io/v1 in namespace ci`. */
export function describe(request: AdmissionRequest): string {
  const { group = "", version = "", resource = "" } = request.resource ?? {};
  const scope = request.namespace ? `in namespace ${request.namespace}` : "cluster-scoped";
  return `${request.operation} of ${resourceName({ group, version, resource }, request.subResource)} ${scope}`;
}
