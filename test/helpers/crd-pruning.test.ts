import { expect } from "chai";
import { lostFields, prunedFields } from "./crd-pruning.ts";

const SCHEMA = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      properties: {
        name: { type: "string" },
        size: { type: "integer", default: 1 },
        note: { type: "string", nullable: true },
        labels: { type: "object", additionalProperties: { type: "string" } },
        free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        items: { type: "array", items: { type: "object", properties: { id: { type: "string" } } } },
        template: {
          type: "object",
          "x-kubernetes-embedded-resource": true,
          properties: { spec: { type: "object" } },
        },
      },
    },
  },
};

describe("prunedFields (what the API server drops from a custom resource)", () => {
  it("should keep every declared field, map entry, preserved field and embedded object's meta", () => {
    const object = {
      apiVersion: "example.com/v1",
      kind: "Thing",
      metadata: { name: "a", labels: { x: "y" }, annotations: {} },
      spec: {
        name: "a",
        note: null,
        size: null,
        labels: { any: "thing" },
        free: { deep: { er: 1 } },
        items: [{ id: "1" }],
        template: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: {} },
      },
    };
    expect(prunedFields(SCHEMA, object)).to.deep.equal([]);
  });

  it("should name every undeclared field, unknown ObjectMeta field and field null without leave", () => {
    const object = {
      apiVersion: "example.com/v1",
      kind: "Thing",
      metadata: { name: "a", owner: "me" },
      status: { phase: "Running" },
      spec: {
        name: null,
        typo: true,
        items: [{ id: "1", extra: 2 }],
        template: { metadata: { name: "p", bogus: 1 }, spec: { dropped: 1 } },
      },
    };
    expect(prunedFields(SCHEMA, object)).to.deep.equal([
      ".metadata.owner",
      ".status",
      ".spec.name (null)",
      ".spec.typo",
      ".spec.items[0].extra",
      ".spec.template.metadata.bogus",
      ".spec.template.spec.dropped",
    ]);
  });
});

describe("lostFields (what a stored object lacks of what was sent)", () => {
  it("should find nothing lost when the server only added fields", () => {
    const sent = { spec: { a: 1, list: [{ b: "x" }] } };
    const stored = { metadata: { uid: "u" }, spec: { a: 1, c: 2, list: [{ b: "x", d: 1 }] } };
    expect(lostFields(sent, stored)).to.deep.equal([]);
  });

  it("should name a dropped field, a changed value and a list of another length", () => {
    const sent = { spec: { a: 1, b: 2, list: [1, 2], deep: [{ e: 1 }] } };
    const stored = { spec: { a: 3, list: [1], deep: [{}] } };
    expect(lostFields(sent, stored)).to.deep.equal([
      ".spec.a",
      ".spec.b",
      ".spec.list",
      ".spec.deep[0].e",
    ]);
  });
});
