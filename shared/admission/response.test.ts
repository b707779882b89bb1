import { expect } from "chai";
import { admissionReview } from "../../test/helpers/review.ts";
import { allowed, denied, patched, toReviewResponse } from "./response.ts";

describe("response constructors", () => {
  it("should answer allowed with nothing else when there are no warnings", () => {
    expect(allowed()).to.deep.equal({ allowed: true });
  });

  it("should drop empty warning lines and split multi-line ones", () => {
    expect(allowed(["a\nb", " ", ""])).to.deep.equal({ allowed: true, warnings: ["a", "b"] });
  });

  // Found by test/reliability/properties.test.ts: an annotation value with a NUL or a tab was
  // echoed into a warning the API server would have dropped.
  it("should write other control characters as \\u escapes, which the API server keeps", () => {
    expect(allowed(['"a\u0000b\tc" is not a value'])).to.deep.equal({
      allowed: true,
      warnings: ['"a\\u0000b\\u0009c" is not a value'],
    });
  });

  it("should omit patchType and patch when the op list is empty", () => {
    expect(patched([])).to.deep.equal({ allowed: true });
  });

  it("should base64-encode the JSON patch", () => {
    const ops = [{ op: "add" as const, path: "/metadata/labels", value: { a: "b" } }];
    expect(patched(ops)).to.deep.equal({
      allowed: true,
      patchType: "JSONPatch",
      patch: Buffer.from(JSON.stringify(ops)).toString("base64"),
    });
  });

  it("should deny with a Failure status", () => {
    expect(denied("no", 403)).to.deep.equal({
      allowed: false,
      status: { status: "Failure", code: 403, reason: "Forbidden", message: "no" },
    });
  });

  for (const apiVersion of ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"] as const) {
    it(`should echo ${apiVersion} and the request uid`, () => {
      const review = admissionReview(null, { apiVersion, uid: "abc" });
      expect(toReviewResponse(review, allowed())).to.deep.equal({
        apiVersion,
        kind: "AdmissionReview",
        response: { uid: "abc", allowed: true },
      });
    });
  }
});
