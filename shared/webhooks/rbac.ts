import type { KubeObject } from "../basics/kube-object.ts";

// RBAC as kube-apiserver authorizes with it (plugin/pkg/auth/authorizer/rbac and
// pkg/registry/rbac/validation): the rules of every role bound to the user, by ClusterRoleBindings
// anywhere and by RoleBindings in the request's namespace. Members of system:masters are allowed
// everything before RBAC is asked, as the API server's privileged-group authorizer does.

/** Who asks: a username and its groups, as in an AdmissionRequest's userInfo. */
export interface User {
  username: string;
  groups: readonly string[];
}

/** What is asked: a resource (group, resource, ...) or a non-resource path, and the verb. */
export interface Attributes {
  user: User;
  verb: string;
  path?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** RBAC's answer: allowed, with the binding that allows it (the API server's reason), or not. */
export interface Decision {
  allowed: boolean;
  reason: string;
}

export type Authorize = (attributes: Attributes) => Decision;

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}
interface Binding extends KubeObject {
  roleRef?: { kind: string; name: string };
  subjects?: Subject[];
}

/** The kinds RBAC reads, which a snapshot must hold for the preview to authorize. */
export const RBAC_KINDS = ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"] as const;

const anyOr = (items: readonly string[] | undefined, wanted: string): boolean =>
  (items ?? []).some((item) => item === "*" || item === wanted);

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some(
    (r) => r === "*" || r === combined || (subresource !== "" && r === `*/${subresource}`),
  );
}

const urlMatches = (rule: PolicyRule, path: string): boolean =>
  (rule.nonResourceURLs ?? []).some(
    (url) =>
      url === "*" || url === path || (url.endsWith("*") && path.startsWith(url.slice(0, -1))),
  );

/** RBAC's RuleAllows. */
function ruleAllows(rule: PolicyRule, a: Attributes): boolean {
  if (!anyOr(rule.verbs, a.verb)) return false;
  return a.path === undefined ? resourceRuleAllows(rule, a) : urlMatches(rule, a.path);
}

function resourceRuleAllows(rule: PolicyRule, a: Attributes): boolean {
  const names = rule.resourceNames ?? [];
  return (
    anyOr(rule.apiGroups, a.group ?? "") &&
    resourceMatches(rule, a.resource ?? "", a.subresource ?? "") &&
    (names.length === 0 || names.includes(a.name ?? ""))
  );
}

function appliesTo(subject: Subject, user: User, namespace: string): boolean {
  if (subject.kind === "User") return subject.name === user.username;
  if (subject.kind === "Group") return user.groups.includes(subject.name);
  const saNamespace = subject.namespace || namespace;
  return (
    subject.kind === "ServiceAccount" &&
    saNamespace !== "" &&
    user.username === `system:serviceaccount:${saNamespace}:${subject.name}`
  );
}

const describeSubject = (s: Subject, namespace: string): string =>
  s.kind === "ServiceAccount"
    ? `${s.kind} "${s.name}/${s.namespace || namespace}"`
    : `${s.kind} "${s.name}"`;

/** A binding with the namespace its rules apply in ("" for a ClusterRoleBinding). */
interface Scoped {
  binding: Binding;
  scope: string;
}

const RBAC = "rbac.authorization.k8s.io/v1";

/** RBAC's reason for an allowed request: the binding, its role and the subject that matched. */
function reasonFor({ binding, scope }: Scoped, subject: Subject): string {
  const name = binding.metadata?.name ?? "";
  const where = scope ? `RoleBinding "${name}/${scope}"` : `ClusterRoleBinding "${name}"`;
  const role = `${binding.roleRef?.kind ?? ""} "${binding.roleRef?.name ?? ""}"`;
  return `RBAC: allowed by ${where} of ${role} to ${describeSubject(subject, scope)}`;
}

/** An Authorize over the RBAC objects of a snapshot. */
export function rbacAuthorizer(objects: readonly KubeObject[]): Authorize {
  const ofKind = (kind: string): Binding[] =>
    objects.filter((o) => o.kind === kind && o.apiVersion === RBAC);
  const rulesOf = ({ binding, scope }: Scoped): PolicyRule[] => {
    const ref = binding.roleRef;
    const role = ofKind(ref?.kind ?? "").find(
      (r) =>
        r.metadata?.name === ref?.name &&
        (ref?.kind === "ClusterRole" || r.metadata?.namespace === scope),
    );
    return (role?.["rules"] as PolicyRule[] | undefined) ?? [];
  };
  const bindingsIn = (namespace: string): Scoped[] => [
    ...ofKind("ClusterRoleBinding").map((binding) => ({ binding, scope: "" })),
    ...ofKind("RoleBinding")
      .filter((binding) => namespace !== "" && binding.metadata?.namespace === namespace)
      .map((binding) => ({ binding, scope: namespace })),
  ];
  return (a) => {
    if (a.user.groups.includes("system:masters")) return { allowed: true, reason: "" };
    for (const scoped of bindingsIn(a.path === undefined ? (a.namespace ?? "") : "")) {
      const subject = scoped.binding.subjects?.find((s) => appliesTo(s, a.user, scoped.scope));
      if (subject && rulesOf(scoped).some((rule) => ruleAllows(rule, a)))
        return { allowed: true, reason: reasonFor(scoped, subject) };
    }
    return { allowed: false, reason: "" };
  };
}
