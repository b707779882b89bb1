import { expect } from "chai";
import { structuralViolations } from "./crd-validator.ts";

const mapList = (key: Record<string, unknown>, required: string[]): Record<string, unknown> => ({
  type: "array",
  "x-kubernetes-list-type": "map",
  "x-kubernetes-list-map-keys": ["name"],
  items: { type: "object", required, properties: { name: key } },
});

describe("structuralViolations on map lists (the API server's rule for list map keys)", () => {
  it("should accept a key that is required, or that has a default (Knative's imagePullSecrets)", () => {
    const schema = {
      type: "object",
      properties: {
        required: mapList({ type: "string" }, ["name"]),
        defaulted: mapList({ type: "string", default: "" }, []),
      },
    };
    expect(structuralViolations(schema)).to.deep.equal([]);
  });

  it("should refuse a key neither required nor defaulted, and a nullable key", () => {
    const schema = {
      type: "object",
      properties: {
        optional: mapList({ type: "string" }, []),
        nullable: mapList({ type: "string", nullable: true }, ["name"]),
      },
    };
    expect(structuralViolations(schema)).to.deep.equal([
      ".optional: list map key name must be required",
      ".nullable: list map key name cannot be nullable",
    ]);
  });
});
