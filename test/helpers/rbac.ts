import type { Doc } from "./manifests.ts";
import type { RecordedRequest } from "./fake-kube-api.ts";

// Kubernetes RBAC as the manifests in knative/ grant it, and the API calls a recording of the
// local API server shows, in the same terms.

export interface ApiCall {
  verb: string;
  group: string;
  resource: string;
  namespace: string;
  name: string;
}

export interface Grant {
  /** Where the rule comes from: `ClusterRole x` or `Role ns/x`. */
  source: string;
  /** Set for a Role (and a ClusterRole bound by a RoleBinding): the only namespace it covers. */
  namespace?: string;
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const get = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);

/** The API call a recorded request is, or undefined for discovery (which every identity may do). */
export function callOf(request: RecordedRequest): ApiCall | undefined {
  const match =
    /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(
      request.path,
    );
  if (!match) return undefined;
  const [, group = "", namespace = "", resource = "", name = ""] = match;
  const verbs: Record<string, string> = {
    POST: "create",
    PUT: "update",
    PATCH: "patch",
    DELETE: "delete",
  };
  const verb =
    request.method === "GET"
      ? name
        ? "get"
        : /watch=(1|true)/.test(request.query)
          ? "watch"
          : "list"
      : (verbs[request.method] ?? request.method);
  return {
    verb,
    group,
    resource: decodeURIComponent(resource),
    namespace: decodeURIComponent(namespace),
    name: decodeURIComponent(name),
  };
}

/** The ServiceAccount (namespace/name) of the workload that runs `target`. */
export function serviceAccountOf(docs: readonly Doc[], target: string): string | undefined {
  for (const doc of docs) {
    const spec = get(doc, "spec", "template", "spec") as
      { serviceAccountName?: string; containers?: unknown[] } | undefined;
    const runs = JSON.stringify(spec?.containers ?? []).includes(
      `{"name":"FUNCTION_TARGET","value":"${target}"}`,
    );
    if (runs && spec?.serviceAccountName)
      return `${doc.metadata?.namespace ?? ""}/${spec.serviceAccountName}`;
  }
  return undefined;
}

/** Every rule bound to the ServiceAccount `account` (`namespace/name`). */
export function grantsOf(docs: readonly Doc[], account: string): Grant[] {
  const [saNamespace, saName] = account.split("/");
  return docs
    .filter((d) => d.kind === "RoleBinding" || d.kind === "ClusterRoleBinding")
    .filter((b) =>
      ((get(b, "subjects") ?? []) as { kind: string; name: string; namespace?: string }[]).some(
        (s) => s.kind === "ServiceAccount" && s.name === saName && s.namespace === saNamespace,
      ),
    )
    .flatMap((binding) => {
      const ref = get(binding, "roleRef") as { kind: string; name: string };
      const bindingNamespace =
        binding.kind === "RoleBinding" ? binding.metadata?.namespace : undefined;
      const role = docs.find(
        (d) =>
          d.kind === ref.kind &&
          d.metadata?.name === ref.name &&
          (ref.kind === "ClusterRole" || d.metadata?.namespace === bindingNamespace),
      );
      const source = `${ref.kind} ${bindingNamespace ? `${bindingNamespace}/` : ""}${ref.name}`;
      return ((get(role, "rules") ?? []) as Omit<Grant, "source">[]).map((rule) => ({
        source,
        ...(bindingNamespace ? { namespace: bindingNamespace } : {}),
        ...rule,
      }));
    });
}

export function allows(grant: Grant, call: ApiCall): boolean {
  return (
    (grant.namespace === undefined || grant.namespace === call.namespace) &&
    grant.apiGroups.includes(call.group) &&
    grant.resources.includes(call.resource) &&
    grant.verbs.includes(call.verb) &&
    (grant.resourceNames === undefined || grant.resourceNames.includes(call.name))
  );
}

/** Each (verb, resource, name) a grant allows, spelled as in the test's messages. */
export function permissions(grant: Grant): string[] {
  return grant.verbs.flatMap((verb) =>
    grant.resources.flatMap((resource) =>
      (grant.resourceNames ?? ["*"]).map(
        (name) => `${grant.source}: ${verb} ${resource}${name === "*" ? "" : `/${name}`}`,
      ),
    ),
  );
}

export function usedBy(permission: string, grant: Grant, calls: readonly ApiCall[]): boolean {
  const [, rest = ""] = permission.split(": ");
  const [verb, target = ""] = rest.split(" ");
  const [resource, name] = target.split("/");
  return calls.some((c) =>
    allows(
      {
        ...grant,
        verbs: [verb ?? ""],
        resources: [resource ?? ""],
        ...(name ? { resourceNames: [name] } : {}),
      },
      c,
    ),
  );
}
