import { expect } from "chai";
import { admissionReview, virtualMachine } from "../../test/helpers/review.ts";
import { readFileSync } from "node:fs";
import { VALIDATORS, validatorSource } from "../../scripts/generate-validators.ts";
import { decodeReview } from "./schema.ts";

describe("the precompiled validators", () => {
  for (const { file, from, schema, ajv } of VALIDATORS) {
    it(`should be current: ${file} is what ajv compiles from ${from} today`, async () => {
      const checkedIn = readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");
      expect(checkedIn).to.equal(await validatorSource(schema, from, ajv));
    });
  }
});

describe("decodeReview", () => {
  it("should accept a v1 and a v1beta1 review", () => {
    for (const apiVersion of ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"] as const) {
      const review = admissionReview(virtualMachine(), { apiVersion });
      expect(decodeReview(review)).to.deep.equal({ review });
    }
  });

  const cases: { name: string; body: unknown; error: string }[] = [
    { name: "a string", body: "x", error: "invalid AdmissionReview: (root) must be object" },
    {
      name: "an empty object",
      body: {},
      error: "invalid AdmissionReview: (root) must have required property 'apiVersion'",
    },
    {
      name: "another apiVersion",
      body: { ...admissionReview(null), apiVersion: "admission.k8s.io/v2" },
      error: "invalid AdmissionReview: /apiVersion must be equal to one of the allowed values",
    },
    {
      name: "a request without uid",
      body: {
        apiVersion: "admission.k8s.io/v1",
        kind: "AdmissionReview",
        request: { kind: {}, operation: "CREATE" },
      },
      error: "invalid AdmissionReview: /request must have required property 'uid'",
    },
    {
      name: "an unknown operation",
      body: admissionReview(null, { operation: "PATCH" as "CREATE" }),
      error:
        "invalid AdmissionReview: /request/operation must be equal to one of the allowed values",
    },
    {
      name: "an object that is an array",
      body: admissionReview(null, { object: [] as unknown as null }),
      error: "invalid AdmissionReview: /request/object must be object,null",
    },
  ];
  for (const tc of cases) {
    it(`should explain what is wrong when given ${tc.name}`, () => {
      expect(decodeReview(tc.body)).to.deep.equal({ error: tc.error });
    });
  }
});
