import { expect } from "chai";
import type { AdmissionRequest } from "../admission/types.ts";
import type { KubeObject } from "../basics/kube-object.ts";
import { calls, dispatch } from "./dispatch.ts";
import type { Rule, WebhookEntry } from "./entry.ts";
import { admissionRequest } from "./request.ts";

const VMS: Rule = {
  apiGroups: ["kubevirt.io"],
  apiVersions: ["v1"],
  operations: ["CREATE", "UPDATE"],
  resources: ["virtualmachines"],
  scope: "Namespaced",
};

const entry = (more: Partial<WebhookEntry> = {}): WebhookEntry => ({
  name: "x.vm-feature-manager.io",
  clientConfig: { service: { path: "/x" } },
  rules: [VMS],
  ...more,
});

const vm = (metadata: KubeObject["metadata"] = {}): KubeObject => ({
  apiVersion: "kubevirt.io/v1",
  kind: "VirtualMachine",
  metadata: { name: "vm", namespace: "ci", ...metadata },
  spec: { template: { spec: { domain: {} } } },
});

const request = (
  object: KubeObject = vm(),
  more: Partial<AdmissionRequest> = {},
): AdmissionRequest => ({
  ...admissionRequest(object, { uid: "u" }),
  ...more,
});

const CI = { "kubernetes.io/metadata.name": "ci" };

describe("webhook dispatch, as the API server decides it", () => {
  it("should call an entry whose rules, selectors and conditions all select the request", () => {
    expect(dispatch(entry(), request(), CI)).to.deep.equal({ call: true, warnings: [] });
    expect(calls(entry(), request(), CI)).to.equal(true);
  });

  describe("rules", () => {
    const skipped = (rule: Partial<Rule>, more: Partial<AdmissionRequest> = {}): unknown =>
      dispatch(entry({ rules: [{ ...VMS, ...rule }] }), request(vm(), more), CI);
    const NO_RULE = {
      call: false,
      reason: "no rule selects CREATE of virtualmachines.kubevirt.io/v1 in namespace ci",
    };

    it("should name the request no rule selects, by operation, group, version and resource", () => {
      expect(skipped({ operations: ["UPDATE"] })).to.deep.equal(NO_RULE);
      expect(skipped({ apiGroups: ["pool.kubevirt.io"] })).to.deep.equal(NO_RULE);
      expect(skipped({ apiVersions: ["v1alpha2"] })).to.deep.equal(NO_RULE);
      expect(skipped({ resources: ["virtualmachineinstances"] })).to.deep.equal(NO_RULE);
      expect(
        dispatch(entry(), request({ apiVersion: "v1", kind: "Pod", metadata: {} }), CI),
      ).to.deep.equal({
        call: false,
        reason: "no rule selects CREATE of pods/v1 in namespace default",
      });
    });

    it("should take * for any operation, group, version and resource, and x/* for a subresource", () => {
      const any = { operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*"] };
      expect(skipped(any)).to.deep.include({ call: true });
      expect(skipped(any, { subResource: "status" })).to.deep.equal({
        call: false,
        reason: "no rule selects CREATE of virtualmachines/status.kubevirt.io/v1 in namespace ci",
      });
      expect(skipped({ resources: ["*/*"] }, { subResource: "status" })).to.deep.include({
        call: true,
      });
      expect(
        skipped({ resources: ["virtualmachines/status"] }, { subResource: "status" }),
      ).to.deep.include({
        call: true,
      });
      // "x/*" is the resource and every subresource of it; "x/status" is only the subresource.
      expect(skipped({ resources: ["virtualmachines/*"] })).to.deep.include({ call: true });
      expect(skipped({ resources: ["virtualmachines/status"] })).to.deep.equal(NO_RULE);
    });

    it("should hold a rule to its scope", () => {
      expect(skipped({ scope: "Cluster" })).to.deep.equal(NO_RULE);
      expect(skipped({ scope: "*" })).to.deep.include({ call: true });
      expect(skipped({ scope: "Namespaced" }, { namespace: "" })).to.deep.equal({
        call: false,
        reason: "no rule selects CREATE of virtualmachines.kubevirt.io/v1 cluster-scoped",
      });
    });
  });

  describe("matchPolicy", () => {
    const v1alpha3 = (): KubeObject => ({ ...vm(), apiVersion: "kubevirt.io/v1alpha3" });
    const V1ALPHA3 = { group: "kubevirt.io", version: "v1alpha3" };

    it("should call an entry for a resource its rules name at another served version, by default (Equivalent)", () => {
      const asked = request(v1alpha3());
      expect(dispatch(entry(), asked, CI)).to.deep.equal({
        call: true,
        warnings: [],
        converted: {
          ...asked,
          kind: { group: "kubevirt.io", version: "v1", kind: "VirtualMachine" },
          resource: { group: "kubevirt.io", version: "v1", resource: "virtualmachines" },
          requestKind: { ...V1ALPHA3, kind: "VirtualMachine" },
          requestResource: { ...V1ALPHA3, resource: "virtualmachines" },
          object: vm(),
        },
      });
      expect(dispatch(entry({ matchPolicy: "Equivalent" }), asked, CI)).to.deep.include({
        call: true,
      });
    });

    it("should convert the old object too, and evaluate matchConditions on the converted request", () => {
      const old = v1alpha3();
      const asked = request(v1alpha3(), { operation: "UPDATE", oldObject: old });
      const atV1 = {
        name: "at-v1",
        expression: "request.kind.version == 'v1' && object.apiVersion == 'kubevirt.io/v1'",
      };
      const decision = dispatch(entry({ matchConditions: [atV1] }), asked, CI);
      expect(decision).to.deep.include({ call: true, warnings: [] });
      expect(decision).to.have.nested.property("converted.oldObject.apiVersion", "kubevirt.io/v1");
    });

    it("should prefer a rule that names the request's own version", () => {
      const both = entry({ rules: [VMS, { ...VMS, apiVersions: ["v1alpha3"] }] });
      expect(dispatch(both, request(v1alpha3()), CI)).to.deep.equal({ call: true, warnings: [] });
    });

    it("should not call an entry with matchPolicy Exact for another version, and say so", () => {
      expect(dispatch(entry({ matchPolicy: "Exact" }), request(v1alpha3()), CI)).to.deep.equal({
        call: false,
        reason:
          "no rule selects CREATE of virtualmachines.kubevirt.io/v1alpha3 in namespace ci (matchPolicy Exact leaves out the rule for virtualmachines.kubevirt.io/v1)",
      });
    });

    it("should find no equivalent of a resource at a version its group does not serve", () => {
      const v2 = { ...vm(), apiVersion: "kubevirt.io/v2" };
      expect(dispatch(entry(), request(v2), CI)).to.deep.equal({
        call: false,
        reason: "no rule selects CREATE of virtualmachines.kubevirt.io/v2 in namespace ci",
      });
    });
  });

  describe("namespaceSelector", () => {
    const inNamespace = (
      namespaceSelector: WebhookEntry["namespaceSelector"],
      labels: Record<string, string> = CI,
    ): unknown => dispatch(entry({ namespaceSelector }), request(), labels);

    it("should say which label the namespace lacks", () => {
      const optIn = {
        matchExpressions: [
          {
            key: "vm-feature-manager.io/macvtap-capabilities",
            operator: "In",
            values: ["enabled"],
          },
        ],
      };
      expect(inNamespace(optIn)).to.deep.equal({
        call: false,
        reason: "namespace ci lacks label vm-feature-manager.io/macvtap-capabilities=enabled",
      });
      expect(
        inNamespace(optIn, { ...CI, "vm-feature-manager.io/macvtap-capabilities": "enabled" }),
      ).to.deep.include({ call: true });
      expect(
        inNamespace({ matchExpressions: [{ key: "tier", operator: "In", values: ["a", "b"] }] }),
      ).to.deep.equal({ call: false, reason: "namespace ci lacks label tier in (a, b)" });
      expect(
        inNamespace({ matchExpressions: [{ key: "tier", operator: "Exists" }] }),
      ).to.deep.equal({
        call: false,
        reason: "namespace ci lacks label tier",
      });
      expect(inNamespace({ matchLabels: { tier: "gold" } })).to.deep.equal({
        call: false,
        reason: "namespace ci lacks label tier=gold",
      });
    });

    it("should say which label excludes the namespace", () => {
      const platform = {
        matchExpressions: [
          { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "ci"] },
        ],
      };
      expect(inNamespace(platform)).to.deep.equal({
        call: false,
        reason:
          "namespace ci has label kubernetes.io/metadata.name=ci, which the selector excludes",
      });
      expect(
        inNamespace(
          { matchExpressions: [{ key: "frozen", operator: "DoesNotExist" }] },
          {
            ...CI,
            frozen: "yes",
          },
        ),
      ).to.deep.equal({
        call: false,
        reason: "namespace ci has label frozen=yes, which the selector excludes",
      });
    });

    it("should refuse an operator the API server does not know", () => {
      expect(() =>
        inNamespace({ matchExpressions: [{ key: "a", operator: "Equals", values: ["b"] }] }),
      ).to.throw('label selector operator "Equals" is none of In, NotIn, Exists, DoesNotExist');
    });
  });

  describe("objectSelector", () => {
    const launcher = { objectSelector: { matchLabels: { "kubevirt.io": "virt-launcher" } } };

    it("should say which label the object lacks", () => {
      expect(dispatch(entry(launcher), request(), CI)).to.deep.equal({
        call: false,
        reason: "the object lacks label kubevirt.io=virt-launcher",
      });
      expect(
        dispatch(entry(launcher), request(vm({ labels: { "kubevirt.io": "virt-launcher" } })), CI),
      ).to.deep.include({ call: true });
    });

    it("should select an update whose old object matches, as the API server does", () => {
      const old = vm({ labels: { "kubevirt.io": "virt-launcher" } });
      expect(
        dispatch(entry(launcher), request(vm(), { operation: "UPDATE", oldObject: old }), CI),
      ).to.deep.include({ call: true });
    });
  });

  describe("matchConditions", () => {
    const asks = {
      name: "asks",
      expression:
        "has(object.metadata.annotations) && 'vm-feature-manager.io/x' in object.metadata.annotations",
    };
    const broken = { name: "broken", expression: "object.spec.nothing.here" };

    it("should name the condition that is false", () => {
      expect(dispatch(entry({ matchConditions: [asks] }), request(), CI)).to.deep.equal({
        call: false,
        reason: "matchCondition asks is false",
      });
      const asking = vm({ annotations: { "vm-feature-manager.io/x": "on" } });
      expect(dispatch(entry({ matchConditions: [asks] }), request(asking), CI)).to.deep.include({
        call: true,
      });
    });

    it("should bind request, as the API server does", () => {
      const ci = { name: "ci", expression: "request.namespace in ['default']" };
      expect(dispatch(entry({ matchConditions: [ci] }), request(), CI)).to.deep.equal({
        call: false,
        reason: "matchCondition ci is false",
      });
      const admin = { name: "admin", expression: "request.userInfo.username == 'system:admin'" };
      expect(dispatch(entry({ matchConditions: [admin] }), request(), CI)).to.deep.include({
        call: true,
      });
    });

    it("should reject the request when a condition fails to evaluate under failurePolicy Fail", () => {
      const decision = dispatch(entry({ matchConditions: [broken] }), request(), CI);
      expect(decision)
        .to.have.property("error")
        .that.matches(/^matchCondition broken: /);
      expect(() => calls(entry({ matchConditions: [broken] }), request(), CI)).to.throw(
        /^x\.vm-feature-manager\.io: matchCondition broken: /,
      );
    });

    it("should skip the call when a condition fails to evaluate under failurePolicy Ignore", () => {
      const decision = dispatch(
        entry({ matchConditions: [broken], failurePolicy: "Ignore" }),
        request(),
        CI,
      );
      expect(decision)
        .to.have.property("reason")
        .that.matches(/^matchCondition broken: .* \(failurePolicy Ignore skips the call\)$/);
    });

    it("should skip the call when one condition is false, even if another fails to evaluate", () => {
      expect(dispatch(entry({ matchConditions: [broken, asks] }), request(), CI)).to.deep.equal({
        call: false,
        reason: "matchCondition asks is false",
      });
    });

    it("should assume a condition that asks the authorizer holds without RBAC, and say what to add", () => {
      const rbac = {
        name: "may-use-gpus",
        expression:
          "authorizer.group('kubevirt.io').resource('virtualmachines').check('gpu').allowed()",
      };
      expect(dispatch(entry({ matchConditions: [rbac] }), request(), CI)).to.deep.equal({
        call: true,
        warnings: [
          "matchCondition may-use-gpus asks the authorizer, which the preview cannot without RBAC: assumed true; add the cluster's Roles, ClusterRoles, RoleBindings, ClusterRoleBindings to the snapshot (kubectl get roles,clusterroles,rolebindings,clusterrolebindings -A -o yaml)",
        ],
      });
    });
  });
});
