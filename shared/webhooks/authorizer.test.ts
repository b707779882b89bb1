import { expect } from "chai";
import type { KubeObject } from "../basics/kube-object.ts";
import { dispatch } from "./dispatch.ts";
import type { WebhookEntry } from "./entry.ts";
import type { Attributes } from "./rbac.ts";
import { rbacAuthorizer } from "./rbac.ts";
import { admissionRequest, impersonated } from "./request.ts";

const RBAC = "rbac.authorization.k8s.io/v1";
const role = (kind: string, name: string, rules: unknown[], namespace?: string): KubeObject => ({
  apiVersion: RBAC,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  rules,
});
const binding = (
  kind: string,
  metadata: KubeObject["metadata"],
  roleRef: { kind: string; name: string },
  subjects: unknown[],
): KubeObject => ({
  apiVersion: RBAC,
  kind,
  metadata,
  roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef },
  subjects,
});

const NEST = { apiGroups: ["vm-feature-manager.io"], resources: ["nested-virt"], verbs: ["use"] };
const SNAPSHOT = [
  role("Role", "nesters", [NEST], "ci"),
  binding(
    "RoleBinding",
    { name: "alice-nests", namespace: "ci" },
    { kind: "Role", name: "nesters" },
    [
      { kind: "User", name: "alice" },
      { kind: "ServiceAccount", name: "runner" },
    ],
  ),
  role("ClusterRole", "vm-status", [
    { apiGroups: ["kubevirt.io"], resources: ["*/status"], verbs: ["get"] },
    { apiGroups: [""], resources: ["configmaps"], resourceNames: ["rules"], verbs: ["get"] },
    { nonResourceURLs: ["/healthz", "/metrics/*"], verbs: ["get"] },
  ]),
  binding(
    "ClusterRoleBinding",
    { name: "ops-status" },
    { kind: "ClusterRole", name: "vm-status" },
    [{ kind: "Group", name: "ops" }],
  ),
];
const authorize = rbacAuthorizer(SNAPSHOT);
const alice = impersonated("alice");
const ops = impersonated("bob", ["ops"]);
const nest = (user = alice, namespace = "ci"): Attributes => ({
  user,
  verb: "use",
  group: "vm-feature-manager.io",
  resource: "nested-virt",
  namespace,
});

describe("RBAC over a snapshot, as the API server authorizes", () => {
  it("should allow what a RoleBinding grants in its namespace only, with the server's reason", () => {
    expect(authorize(nest())).to.deep.equal({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "alice-nests/ci" of Role "nesters" to User "alice"',
    });
    expect(authorize(nest(alice, "default"))).to.deep.equal({ allowed: false, reason: "" });
    expect(authorize({ ...nest(), verb: "get" })).to.include({ allowed: false });
    expect(authorize(nest(ops))).to.include({ allowed: false });
  });

  it("should match a ServiceAccount subject in the binding's namespace", () => {
    const runner = impersonated("system:serviceaccount:ci:runner");
    expect(runner.groups).to.deep.equal([
      "system:serviceaccounts",
      "system:serviceaccounts:ci",
      "system:authenticated",
    ]);
    expect(authorize(nest(runner))).to.deep.equal({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "alice-nests/ci" of Role "nesters" to ServiceAccount "runner/ci"',
    });
    expect(authorize(nest(impersonated("system:serviceaccount:default:runner")))).to.include({
      allowed: false,
    });
  });

  it("should hold rules to */subresource, resourceNames and non-resource URLs", () => {
    const get = { user: ops, verb: "get" };
    const vm = { ...get, group: "kubevirt.io", resource: "virtualmachines", namespace: "ci" };
    expect(authorize({ ...vm, subresource: "status" })).to.include({ allowed: true });
    expect(authorize(vm)).to.include({ allowed: false });
    const rules = { ...get, group: "", resource: "configmaps", namespace: "ci", name: "rules" };
    expect(authorize(rules)).to.include({ allowed: true });
    expect(authorize({ ...rules, name: "other" })).to.include({ allowed: false });
    expect(authorize({ ...get, path: "/metrics/cadvisor" })).to.include({ allowed: true });
    expect(authorize({ ...get, path: "/livez" })).to.include({ allowed: false });
  });

  it("should allow system:masters everything, before RBAC", () => {
    expect(rbacAuthorizer([])(nest(impersonated("root", ["system:masters"])))).to.deep.equal({
      allowed: true,
      reason: "",
    });
  });
});

describe("matchConditions that ask the authorizer, answered by RBAC", () => {
  const vm: KubeObject = {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachine",
    metadata: { name: "runner-1", namespace: "ci" },
  };
  const entry = (expression: string): WebhookEntry => ({
    name: "x.vm-feature-manager.io",
    clientConfig: { service: { path: "/x" } },
    rules: [
      {
        apiGroups: ["kubevirt.io"],
        apiVersions: ["v1"],
        operations: ["CREATE"],
        resources: ["virtualmachines"],
      },
    ],
    matchConditions: [{ name: "may-nest", expression }],
  });
  const decide = (expression: string, user = alice): unknown =>
    dispatch(
      entry(expression),
      admissionRequest(vm, { uid: "u", user }),
      { "kubernetes.io/metadata.name": "ci" },
      authorize,
    );
  const MAY_NEST =
    "authorizer.group('vm-feature-manager.io').resource('nested-virt').namespace(request.namespace).check('use').allowed()";

  it("should call the entry for a user RBAC allows, and not for one it does not", () => {
    expect(decide(MAY_NEST)).to.deep.equal({ call: true, warnings: [] });
    expect(decide(MAY_NEST, ops)).to.deep.equal({
      call: false,
      reason: "matchCondition may-nest is false",
    });
  });

  it("should give reason(), errored() and error() of a decision", () => {
    const check =
      "authorizer.group('vm-feature-manager.io').resource('nested-virt').namespace('ci').check('use')";
    expect(
      decide(
        `${check}.reason() == 'RBAC: allowed by RoleBinding "alice-nests/ci" of Role "nesters" to User "alice"' && !${check}.errored() && ${check}.error() == ''`,
      ),
    ).to.deep.include({ call: true });
  });

  it("should ask for a ServiceAccount, a path, a subresource and a name as told", () => {
    expect(
      decide(
        "authorizer.serviceAccount('ci', 'runner').group('vm-feature-manager.io').resource('nested-virt').namespace('ci').check('use').allowed()",
        ops,
      ),
    ).to.deep.include({ call: true });
    expect(decide("authorizer.path('metrics/x').check('get').allowed()", ops)).to.deep.include({
      call: true,
    });
    expect(
      decide(
        "authorizer.group('kubevirt.io').resource('virtualmachines').subresource('status').namespace('ci').name('runner-1').check('get').allowed()",
        ops,
      ),
    ).to.deep.include({ call: true });
  });

  it("should check the request's own resource with requestResource", () => {
    // Nobody here may create VMs but through system:masters.
    const create = "authorizer.requestResource.check('create').allowed()";
    expect(decide(create)).to.deep.equal({
      call: false,
      reason: "matchCondition may-nest is false",
    });
    expect(decide(create, impersonated("root", ["system:masters"]))).to.deep.include({
      call: true,
    });
  });
});
