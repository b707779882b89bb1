import { expect } from "chai";
import { FakeKubeApi } from "../../test/helpers/fake-kube-api.ts";
import type { FakeObject } from "../../test/helpers/fake-kube-api.ts";
import type { RunningFunction } from "../../test/helpers/function-process.ts";
import {
  clusterClientLoaded,
  postReview,
  startFunction,
} from "../../test/helpers/function-process.ts";
import { launcherPod, podReview, vmiObject } from "../../test/helpers/launcher-pod.ts";
import { applyResponse } from "../../test/helpers/review.ts";

const ASK = { "imds.kubevirt.io/enabled": "true" };

// The function process as the image runs it, reading VMIs from a local API server through the
// real client-node code over TLS.
describe("imds-injector over HTTP", () => {
  const api = new FakeKubeApi();
  let fn: RunningFunction;

  before(async () => {
    await api.start();
    api.put(vmiObject() as FakeObject);
    api.put(
      vmiObject({
        name: "nfv-1",
        interfaces: [{ name: "vf", sriov: {} }],
        networks: [{ name: "vf", multus: { networkName: "sriov-net", default: true } }],
      }) as FakeObject,
    );
    fn = await startFunction("imds-injector", {
      KUBECONFIG: api.writeKubeconfig(),
      CLUSTER_LOOKUP_DEADLINE_MS: "500",
      IMDS_INJECTOR_IMAGE: "registry.example.com/functions:1.2.3",
    });
    await clusterClientLoaded(fn);
  });
  after(async () => {
    await fn.stop();
    await api.stop();
  });
  beforeEach(() => (api.mode = "ok"));

  it("should inject the sidecar with the configured image, reading the pod's VMI", async () => {
    const pod = launcherPod({ annotations: ASK });
    const before = api.requests.length;
    const body = await postReview(fn.url, podReview(pod, { uid: "imds-1" }));
    expect(body.response.uid).to.equal("imds-1");
    const result = applyResponse(pod, body.response);
    const sidecar = result.spec?.initContainers?.at(-1);
    expect([sidecar?.name, sidecar?.image, sidecar?.restartPolicy]).to.deep.equal([
      "imds-server",
      "registry.example.com/functions:1.2.3",
      "Always",
    ]);
    // Discovery of kubevirt.io/v1 may come first; the one object read is the pod's VMI.
    const reads = api.requests
      .slice(before)
      .filter((r) => r.path.includes("virtualmachineinstances"))
      .map((r) => `${r.method} ${r.path}`);
    expect(reads).to.deep.equal([
      "GET /apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances/web-1",
    ]);
  });

  it("should skip an SR-IOV VM's pod with a warning", async () => {
    const pod = launcherPod({ vmi: "nfv-1", annotations: ASK });
    const body = await postReview(fn.url, podReview(pod));
    expect(body.response.patch).to.equal(undefined);
    expect(body.response.warnings?.[0]).to.match(
      /^imds-injector: not injected: the pod network's interface "vf" uses SR-IOV/,
    );
  });

  it("should deny with the RBAC fix when the API refuses the read", async () => {
    api.mode = "forbidden";
    const pod = launcherPod({ vmi: "db-7", annotations: ASK });
    const body = await postReview(fn.url, podReview(pod));
    expect(body.response.allowed).to.equal(false);
    expect(body.response.status?.code).to.equal(503);
    expect(body.response.status?.message).to.equal(
      "imds-injector: the Kubernetes API refused to let the function read VirtualMachineInstance default/db-7 (HTTP 403). " +
        "Fix: grant the function's ServiceAccount the RBAC in knative/ (get/list on that resource)",
    );
  });

  it("should answer within the lookup deadline when the API hangs", async () => {
    api.mode = "hang";
    const pod = launcherPod({ vmi: "slow-1", annotations: ASK });
    const body = await postReview(fn.url, podReview(pod));
    expect(body.response.allowed).to.equal(false);
    expect(body.response.status?.message).to.match(
      /^imds-injector: reading VirtualMachineInstance default\/slow-1 from the Kubernetes API took longer than the lookup deadline/,
    );
  });
});
