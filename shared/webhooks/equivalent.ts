import type { AdmissionRequest } from "../admission/types.ts";
import type { KubeObject } from "../basics/kube-object.ts";
import type { WebhookEntry } from "./entry.ts";
import type { Resource } from "./rules.ts";
import { ruleMatches } from "./rules.ts";

// matchPolicy Equivalent, after k8s.io/apiserver's generic.Webhook.ShouldCallHook: when no rule
// names the request's own resource, a rule naming the same resource at another version the API
// server serves selects it, and the webhook sees the request converted to that version.

/**
 * The versions the API server serves of the resources the entries name, as its
 * EquivalentResourceMapper knows them: KubeVirt's CRDs (virt-operator's, as `npm run cluster`
 * installs them) serve kubevirt.io v1 and v1alpha3 with conversion None; the core kinds one.
 */
const SERVED_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  "kubevirt.io": ["v1", "v1alpha3"],
};

/** The versions the API server serves of `group`'s resources, that the preview knows of. */
export function servedVersions(group: string): readonly string[] {
  return SERVED_VERSIONS[group] ?? [];
}

/** The same resource at the other versions the API server serves, in the order it lists them. */
function equivalents(resource: Resource): Resource[] {
  const versions = servedVersions(resource.group);
  if (!versions.includes(resource.version)) return [];
  return versions
    .filter((v) => v !== resource.version)
    .map((version) => ({ ...resource, version }));
}

/**
 * `object` at another version of its group. KubeVirt's CRDs convert with strategy None, which
 * changes only apiVersion.
 */
export function atVersion(object: KubeObject, version: string): KubeObject;
export function atVersion(object: KubeObject | null, version: string): KubeObject | null;
export function atVersion(object: KubeObject | null, version: string): KubeObject | null {
  if (!object?.apiVersion?.includes("/")) return object;
  return { ...object, apiVersion: `${object.apiVersion.split("/")[0] ?? ""}/${version}` };
}

/** The request the webhook receives when it is called for `resource`: converted to its version. */
function convertedTo(request: AdmissionRequest, resource: Resource): AdmissionRequest {
  const { version } = resource;
  return {
    ...request,
    kind: { ...request.kind, version },
    resource,
    requestKind: request.requestKind ?? request.kind,
    requestResource: request.requestResource ?? request.resource,
    object: atVersion(request.object ?? null, version),
    oldObject: atVersion(request.oldObject ?? null, version),
  };
}

/** The first equivalent resource a rule selects, earlier rules first, as the API server tries them. */
export function equivalentMatch(
  hook: WebhookEntry,
  request: AdmissionRequest,
): Resource | undefined {
  const others = request.resource ? equivalents(request.resource) : [];
  for (const rule of hook.rules ?? []) {
    const found = others.find((resource) => ruleMatches(rule, request, resource));
    if (found) return found;
  }
  return undefined;
}

/**
 * The request as the entry receives it under its matchPolicy (Equivalent unless it says Exact,
 * as the API server defaults it), or undefined when only its own version would have been called.
 */
export function equivalentRequest(
  hook: WebhookEntry,
  request: AdmissionRequest,
): AdmissionRequest | undefined {
  if (hook.matchPolicy === "Exact") return undefined;
  const resource = equivalentMatch(hook, request);
  return resource ? convertedTo(request, resource) : undefined;
}
