import { expect } from "chai";
import type { AdmissionReviewResponse } from "../shared/admission/types.ts";
import type { RunningFunction } from "./helpers/function-process.ts";
import { postJson, startFunction } from "./helpers/function-process.ts";
import { admissionReview, applyResponse, virtualMachine } from "./helpers/review.ts";

// The image runs dist/main.js (built by `npm run build`, which `npm test` runs first), with the
// Functions Framework bundled in: this checks the bundle, not the sources, serves a review.
describe("the built bundle (dist/main.js)", () => {
  let fn: RunningFunction;
  before(async () => {
    fn = await startFunction("nested-virt", { KUBECONFIG: "/nonexistent" }, "dist/main.js");
  });
  after(() => fn.stop());

  it("should serve nested-virt from the bundle", async () => {
    const vm = virtualMachine({ annotations: { "vm-feature-manager.io/nested-virt": "svm" } });
    const res = await postJson(fn.url, admissionReview(vm));
    expect(res.status).to.equal(200);
    const result = applyResponse(vm, (res.body as AdmissionReviewResponse).response);
    expect(result.spec?.template?.spec?.domain?.cpu).to.deep.equal({
      features: [{ name: "svm", policy: "require" }],
    });
  });

  it("should serve machine-controller from the bundle, prom-client included", async () => {
    const other = await startFunction("machine-controller", {}, "dist/main.js");
    try {
      const parent = {
        apiVersion: "vitistack.io/v1alpha1",
        kind: "Machine",
        metadata: { name: "m", namespace: "default" },
        spec: { template: "small" },
      };
      const res = await postJson(`${other.url}/sync`, { parent, children: {}, related: {} });
      expect(res.status).to.equal(200);
      expect((res.body as { status: { phase: string } }).status.phase).to.equal("Failed");
      expect(await (await fetch(`${other.url}/metrics`)).text()).to.include(
        "machine_controller_hook_duration_seconds_count",
      );
    } finally {
      await other.stop();
    }
  });

  it("should refuse a target the image does not have, listing the ones it has", async () => {
    const error = await startFunction("no-such", {}, "dist/main.js").catch((e: unknown) => e);
    expect((error as Error).message).to.match(
      /FUNCTION_TARGET="no-such" is not a function of this image; use one of: nested-virt, cpu-labeller/,
    );
  });
});
