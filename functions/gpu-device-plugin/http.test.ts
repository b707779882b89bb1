import { expect } from "chai";
import type { AdmissionReviewResponse } from "../../shared/admission/types.ts";
import type { FakeObject } from "../../test/helpers/fake-kube-api.ts";
import { FakeKubeApi } from "../../test/helpers/fake-kube-api.ts";
import { A10, kubeVirtObject } from "../../test/helpers/devices.ts";
import type { RunningFunction } from "../../test/helpers/function-process.ts";
import {
  clusterClientLoaded,
  postJson,
  startFunction,
} from "../../test/helpers/function-process.ts";
import { admissionReview, applyResponse, virtualMachine } from "../../test/helpers/review.ts";

const TRIGGER = "vm-feature-manager.io/gpu-device-plugin";

describe("gpu-device-plugin over HTTP, through the real client", () => {
  const api = new FakeKubeApi();
  let fn: RunningFunction;

  before(async () => {
    await api.start();
    api.put(
      kubeVirtObject([
        { pciVendorSelector: "10DE:2236", resourceName: A10, externalResourceProvider: true },
      ]) as FakeObject,
    );
    fn = await startFunction("gpu-device-plugin", {
      KUBECONFIG: api.writeKubeconfig(),
      GPU_ALLOWED_PLUGINS: "nvidia.com/*",
      GPU_DEVICE_PLUGIN_ERROR_HANDLING: "allow-and-log",
    });
    await clusterClientLoaded(fn);
  });
  after(async () => {
    await fn.stop();
    await api.stop();
  });

  async function review(
    value: string,
  ): Promise<{ body: AdmissionReviewResponse; vm: ReturnType<typeof virtualMachine> }> {
    const vm = virtualMachine({ annotations: { [TRIGGER]: value } });
    const res = await postJson(fn.url, admissionReview(vm));
    expect(res.status).to.equal(200);
    return { body: res.body as AdmissionReviewResponse, vm };
  }

  it("should attach two GPUs permitted by the CR it read, and give no patch for its own output", async () => {
    const { body, vm } = await review(`${A10}=2`);
    const result = applyResponse(vm, body.response);
    expect(result.spec?.template?.spec?.domain?.devices?.gpus).to.deep.equal([
      { name: "nvidia-com-GA102GL_A10-1", deviceName: A10 },
      { name: "nvidia-com-GA102GL_A10-2", deviceName: A10 },
    ]);
    const again = await postJson(fn.url, admissionReview(result));
    expect((again.body as AdmissionReviewResponse).response.patch).to.equal(undefined);
    expect(api.requests.map((r) => r.path)).to.include("/apis/kubevirt.io/v1/kubevirts");
  });

  it("should admit a plugin outside GPU_ALLOWED_PLUGINS with the error, in allow-and-log mode", async () => {
    const { body, vm } = await review("amd.com/gpu");
    const result = applyResponse(vm, body.response);
    const message =
      "gpu-device-plugin: amd.com/gpu is not among the device plugins this cluster allows (GPU_ALLOWED_PLUGINS: nvidia.com/*) " +
      `(field metadata.annotations["${TRIGGER}"]). Fix: ask for an allowed resource, or have the cluster admin add it to GPU_ALLOWED_PLUGINS`;
    expect([body.response.allowed, body.response.warnings]).to.deep.equal([true, [message]]);
    expect(result.metadata?.annotations).to.deep.equal({
      [TRIGGER]: "amd.com/gpu",
      "vm-feature-manager.io/gpu-device-plugin-error": message,
    });
    expect(result.spec).to.deep.equal(vm.spec);
  });
});
