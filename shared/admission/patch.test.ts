import { expect } from "chai";
import fc from "fast-check";
import jsonpatch from "fast-json-patch";
import { cloneJson, diff, encodePatch } from "./patch.ts";
import { deepFreeze } from "../basics/sharing.ts";

const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

describe("cloneJson", () => {
  const cases: { name: string; given: unknown }[] = [
    {
      name: "a VirtualMachine",
      given: {
        apiVersion: "kubevirt.io/v1",
        metadata: { name: "a", labels: { "x/y": "1" } },
        spec: {
          template: {
            spec: { domain: { cpu: { cores: 4, features: [{ name: "vmx", policy: "require" }] } } },
          },
        },
      },
    },
    {
      name: "undefined members and array items",
      given: { a: undefined, b: [1, undefined, 3], c: { d: undefined } },
    },
    { name: "non-finite numbers", given: { a: NaN, b: [Infinity, -Infinity], c: -0 } },
    {
      name: "functions and symbols",
      given: { f: () => 1, s: Symbol("s"), list: [() => 1, Symbol("t")] },
    },
    {
      name: "values with toJSON (a Date)",
      given: { at: new Date("2026-01-02T03:04:05.000Z"), nested: { toJSON: () => "replaced" } },
    },
    {
      name: "a __proto__ key, which JSON.parse keeps as an own key",
      given: JSON.parse('{"metadata":{"labels":{"__proto__":"x","a":"b"}}}') as unknown,
    },
    {
      name: "null, booleans, strings, nested empties",
      given: { n: null, t: true, f: false, s: "", o: {}, l: [[], {}] },
    },
  ];
  for (const { name, given } of cases) {
    it(`should give what a JSON round trip gives for ${name}`, () => {
      expect(cloneJson(given)).to.deep.equal(viaJson(given));
    });
  }

  it("should return a copy that shares nothing with the input", () => {
    const given = { metadata: { annotations: { a: "1" } }, list: [{ x: 1 }] };
    const copy = cloneJson(given);
    copy.metadata.annotations.a = "2";
    (copy.list[0] as { x: number }).x = 2;
    expect(given).to.deep.equal({ metadata: { annotations: { a: "1" } }, list: [{ x: 1 }] });
  });

  it("should throw JSON's TypeError on a BigInt", () => {
    expect(() => cloneJson({ n: 1n })).to.throw(TypeError);
  });
});

describe("diff", () => {
  it("should drop undefined members of the changed side, as the API server never sees them", () => {
    const original = { metadata: { name: "a" } };
    expect(diff(original, { metadata: { name: "a", labels: undefined } })).to.deep.equal([]);
  });

  // What a feature hands back is built by code: members and items may be undefined, numbers
  // non-finite. The patch, as the API server decodes it, must turn the reviewed object into what
  // JSON makes of the changed one. Keys from a small set, so that the two sides overlap.
  const key = fc.constantFrom("a", "b", "c", "a/b", "~1", "");
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constant(undefined),
      fc.constant(null),
      fc.boolean(),
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom(Number.NaN, Infinity, -0, 0.5),
      fc.constantFrom("x", "y"),
      // What code may put in an object and JSON writes its own way.
      fc.constantFrom(() => 1, Symbol("s"), new Date("2026-01-02T03:04:05.000Z"), {
        toJSON: () => ({ a: 1 }),
      }),
      fc.array(tie("value"), { maxLength: 3 }),
      fc.dictionary(key, tie("value"), { maxKeys: 3 }),
    ),
  }));
  const reviewed = fc.dictionary(key, value, { maxKeys: 4 }).map(viaJson);

  it("should make a patch that turns the reviewed object into the changed one as JSON has it", () => {
    fc.assert(
      fc.property(reviewed, fc.dictionary(key, value, { maxKeys: 4 }), (original, changed) => {
        const sent = JSON.parse(
          Buffer.from(encodePatch(diff(original, changed)), "base64").toString(),
        ) as jsonpatch.Operation[];
        const result = jsonpatch.applyPatch(cloneJson(original), sent, true, false).newDocument;
        expect(result).to.deep.equal(viaJson(changed));
      }),
      { numRuns: 2000 },
    );
  });

  // The API server applies the patch as it is; the same operations as fast-json-patch's own diff
  // of the JSON copy keep every answer what it was before the diff stopped making that copy.
  it("should give the operations fast-json-patch gives against a JSON copy of the changed side", () => {
    fc.assert(
      fc.property(reviewed, fc.dictionary(key, value, { maxKeys: 4 }), (original, changed) => {
        expect(diff(original, changed)).to.deep.equal(
          jsonpatch.compare(original as object, viaJson(changed) as object),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("should give the same operations when the changed side is frozen, whatever it holds", () => {
    fc.assert(
      fc.property(reviewed, fc.dictionary(key, value, { maxKeys: 4 }), (original, changed) => {
        const want = jsonpatch.compare(original as object, viaJson(changed) as object);
        expect(diff(original, deepFreeze(changed))).to.deep.equal(want);
      }),
      { numRuns: 2000 },
    );
  });

  it("should add frozen JSON as it is, with no copy: nothing can change it after", () => {
    const sidecar = deepFreeze({ name: "imds", ports: [{ containerPort: 80 }], env: [] });
    const [op] = diff({ spec: {} }, { spec: { sidecar } });
    expect(op).to.deep.equal({ op: "add", path: "/spec/sidecar", value: sidecar });
    expect(op && "value" in op ? op.value : undefined).to.equal(sidecar);
    // A fresh object around frozen parts: the object copied, the parts shared.
    const container = { ...sidecar, env: [{ name: "A", value: "1" }] };
    const [wrapped] = diff({ spec: {} }, { spec: { containers: [container] } });
    const sent = wrapped && "value" in wrapped ? (wrapped.value as (typeof container)[]) : [];
    expect(sent).to.deep.equal([container]);
    expect(sent[0]).to.not.equal(container);
    expect(sent[0]?.ports).to.equal(sidecar.ports);
    expect(sent[0]?.env).to.not.equal(container.env);
    // Not JSON as it stands (JSON writes -0 as 0, drops undefined): copied, as JSON reads it.
    for (const odd of [{ a: -0 }, { a: undefined }, [1, undefined], { toJSON: () => 1 }]) {
      const [copied] = diff({}, { odd: deepFreeze(odd) });
      expect(copied && "value" in copied ? copied.value : undefined).to.not.equal(odd);
      expect(copied).to.deep.equal({ op: "add", path: "/odd", value: viaJson(odd) });
    }
  });

  it("should keep a __proto__ key, which JSON.parse makes an own key, as an ordinary member", () => {
    const original = JSON.parse('{"metadata":{"__proto__":{"a":"1"},"b":"2"}}') as object;
    const changed = JSON.parse('{"metadata":{"__proto__":{"a":"3"},"c":"4"}}') as object;
    expect(diff(original, changed)).to.deep.equal([
      { op: "remove", path: "/metadata/b" },
      { op: "replace", path: "/metadata/__proto__/a", value: "3" },
      { op: "add", path: "/metadata/c", value: "4" },
    ]);
  });

  it("should give added values that share nothing with the changed object", () => {
    const changed = { spec: { devices: [{ name: "gpu1" }] } };
    const ops = diff({}, changed);
    changed.spec.devices[0] = { name: "changed later" };
    expect(ops).to.deep.equal([
      { op: "add", path: "/spec", value: { devices: [{ name: "gpu1" }] } },
    ]);
  });

  it("should do the same for a change made to a copy of the reviewed object", () => {
    fc.assert(
      fc.property(reviewed, key, value, (original, at, set) => {
        const changed = cloneJson(original) as Record<string, unknown>;
        const inner = changed["a"];
        if (typeof inner === "object" && inner !== null && !Array.isArray(inner))
          (inner as Record<string, unknown>)[at] = set;
        else changed[at] = set;
        const sent = JSON.parse(JSON.stringify(diff(original, changed))) as jsonpatch.Operation[];
        const result = jsonpatch.applyPatch(cloneJson(original), sent, true, false).newDocument;
        expect(result).to.deep.equal(viaJson(changed));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("encodePatch", () => {
  const decoded = (ops: jsonpatch.Operation[]): string =>
    Buffer.from(encodePatch(ops), "base64").toString();

  // Frozen values the diff shared are written from a text kept for them; every answer that adds
  // one must still carry exactly what JSON writes, the first time and every time after.
  it("should write what JSON writes, shared frozen values included, every time they are added", () => {
    const sidecar = deepFreeze({ name: "imds", env: [{ name: "A", value: 'q"\u2028é' }], n: 1 });
    const volume = deepFreeze({ name: "token", projected: { sources: [] } });
    for (const at of [0, 1, 7]) {
      const ops = diff(
        { spec: { containers: [{ name: "c" }], volumes: [] } },
        { spec: { containers: [{ name: "c" }, sidecar], volumes: [volume], at } },
      );
      expect(ops.map((op) => ("value" in op ? op.value : undefined))).to.include(sidecar);
      expect(decoded(ops)).to.equal(JSON.stringify(ops));
      expect(decoded(ops)).to.equal(decoded(ops));
    }
  });

  it("should write what JSON writes for any change, frozen or not", () => {
    const key = fc.constantFrom("a", "b", "a/b", "~1", "");
    const json = fc.jsonValue({ maxDepth: 3 }).map(viaJson);
    fc.assert(
      fc.property(
        fc.dictionary(key, json),
        fc.dictionary(key, json),
        fc.boolean(),
        (a, b, freeze) => {
          const ops = diff(a, freeze ? deepFreeze(b) : b);
          expect(decoded(ops)).to.equal(JSON.stringify(ops));
          expect(decoded(ops)).to.equal(JSON.stringify(ops));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
