import { expect } from "chai";
import type { AdmissionReviewResponse } from "../../shared/admission/types.ts";
import type { RunningFunction } from "../../test/helpers/function-process.ts";
import { postJson, startFunction } from "../../test/helpers/function-process.ts";
import { launcherPod, podReview } from "../../test/helpers/launcher-pod.ts";
import { applyResponse } from "../../test/helpers/review.ts";
import type { Container, SecurityContext } from "../../shared/kube/pod.ts";
import { fieldTypeMessage } from "../../test/helpers/errors.ts";

describe("macvtap-capabilities over HTTP", () => {
  let fn: RunningFunction;
  // No kubeconfig at all: the function never needs the cluster.
  before(async () => {
    fn = await startFunction("macvtap-capabilities", { KUBECONFIG: "/nonexistent" });
  });
  after(() => fn.stop());

  it("should make a macvtap launcher pod privileged, in the request's apiVersion and uid", async () => {
    const macvtap = { "macvtap.network.kubevirt.io/eno1": "1" };
    const pod = launcherPod({ computeResources: { requests: macvtap, limits: macvtap } });
    const res = await postJson(
      fn.url,
      podReview(pod, { apiVersion: "admission.k8s.io/v1beta1", uid: "m-1" }),
    );
    expect(res.status).to.equal(200);
    const body = res.body as AdmissionReviewResponse;
    expect([body.apiVersion, body.response.uid, body.response.patchType]).to.deep.equal([
      "admission.k8s.io/v1beta1",
      "m-1",
      "JSONPatch",
    ]);
    const compute = applyResponse(pod, body.response).spec?.containers?.[0];
    expect(compute?.securityContext).to.include({
      privileged: true,
      allowPrivilegeEscalation: true,
    });
  });

  it("should deny a capabilities list that is no list, naming the container's field and the fix", async () => {
    const macvtap = { "macvtap.network.kubevirt.io/eno1": "1" };
    const pod = launcherPod({ computeResources: { requests: macvtap, limits: macvtap } });
    const compute = pod.spec?.containers?.[0] as Container;
    compute.securityContext = { capabilities: { add: 3 } } as unknown as SecurityContext;
    const res = await postJson(fn.url, podReview(pod, { uid: "m-3" }));
    const { response } = res.body as AdmissionReviewResponse;
    expect([res.status, response.allowed, response.status]).to.deep.equal([
      200,
      false,
      {
        status: "Failure",
        reason: "Forbidden",
        code: 403,
        message: fieldTypeMessage(
          "macvtap-capabilities",
          "spec.containers[0].securityContext.capabilities.add",
          "a list of strings",
        ),
      },
    ]);
  });

  it("should log the admission and never load the Kubernetes client", async () => {
    await postJson(fn.url, podReview(launcherPod(), { uid: "m-2" }));
    await fn.waitForLog((l) => l["uid"] === "m-2");
    const line = fn.logLines().find((l) => l["uid"] === "m-2");
    expect(line).to.include({ feature: "macvtap-capabilities", kind: "Pod", result: "skipped" });
    expect(fn.logLines().some((l) => String(l["msg"]).startsWith("cluster client"))).to.equal(
      false,
    );
  });
});
