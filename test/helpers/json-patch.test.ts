import { expect } from "chai";
import { applyJsonPatch } from "./json-patch.ts";

// RFC 6902 appendix A, plus the cases where the API server's implementation is strict.
describe("applyJsonPatch (the tests' own RFC 6902)", () => {
  const applies: { name: string; doc: unknown; ops: unknown[]; want: unknown }[] = [
    {
      name: "A.1 adding an object member",
      doc: { foo: "bar" },
      ops: [{ op: "add", path: "/baz", value: "qux" }],
      want: { foo: "bar", baz: "qux" },
    },
    {
      name: "A.2 adding an array element",
      doc: { foo: ["bar", "baz"] },
      ops: [{ op: "add", path: "/foo/1", value: "qux" }],
      want: { foo: ["bar", "qux", "baz"] },
    },
    {
      name: "A.3 removing an object member",
      doc: { baz: "qux", foo: "bar" },
      ops: [{ op: "remove", path: "/baz" }],
      want: { foo: "bar" },
    },
    {
      name: "A.4 removing an array element",
      doc: { foo: ["bar", "qux", "baz"] },
      ops: [{ op: "remove", path: "/foo/1" }],
      want: { foo: ["bar", "baz"] },
    },
    {
      name: "A.5 replacing a value",
      doc: { baz: "qux", foo: "bar" },
      ops: [{ op: "replace", path: "/baz", value: "boo" }],
      want: { baz: "boo", foo: "bar" },
    },
    {
      name: "A.6 moving a value",
      doc: { foo: { bar: "baz", waldo: "fred" }, qux: { corge: "grault" } },
      ops: [{ op: "move", from: "/foo/waldo", path: "/qux/thud" }],
      want: { foo: { bar: "baz" }, qux: { corge: "grault", thud: "fred" } },
    },
    {
      name: "A.7 moving an array element",
      doc: { foo: ["all", "grass", "cows", "eat"] },
      ops: [{ op: "move", from: "/foo/1", path: "/foo/3" }],
      want: { foo: ["all", "cows", "eat", "grass"] },
    },
    {
      name: "A.10 adding a nested member object",
      doc: { foo: "bar" },
      ops: [{ op: "add", path: "/child", value: { grandchild: {} } }],
      want: { foo: "bar", child: { grandchild: {} } },
    },
    {
      name: "A.14 ~ escape ordering",
      doc: { "/": 9, "~1": 10 },
      ops: [{ op: "test", path: "/~01", value: 10 }],
      want: { "/": 9, "~1": 10 },
    },
    {
      name: "A.16 adding an array value",
      doc: { foo: ["bar"] },
      ops: [{ op: "add", path: "/foo/-", value: ["abc", "def"] }],
      want: { foo: ["bar", ["abc", "def"]] },
    },
    {
      name: "keys that are prototype names as plain members",
      doc: { m: {} },
      ops: [
        { op: "add", path: "/m/__proto__", value: "a" },
        { op: "add", path: "/m/constructor", value: "b" },
        { op: "add", path: "/m/", value: "c" },
      ],
      want: JSON.parse('{"m":{"__proto__":"a","constructor":"b","":"c"}}') as unknown,
    },
  ];
  for (const tc of applies) {
    it(`should apply ${tc.name}`, () => {
      expect(applyJsonPatch(tc.doc, tc.ops)).to.deep.equal(tc.want);
    });
  }

  const fails: { name: string; doc: unknown; ops: unknown[]; error: string }[] = [
    {
      name: "A.8 a failed test",
      doc: { baz: "qux" },
      ops: [{ op: "test", path: "/baz", value: "bar" }],
      error: "test failed at /baz",
    },
    {
      name: "A.12 adding to a nonexistent target",
      doc: { foo: "bar" },
      ops: [{ op: "add", path: "/baz/bat", value: "qux" }],
      error: "/baz/bat does not exist",
    },
    {
      name: "A.13 an invalid op",
      doc: {},
      ops: [{ op: "bogus", path: "/a" }],
      error: 'operation 0 has an unknown op "bogus"',
    },
    {
      name: "replacing a missing member",
      doc: { a: {} },
      ops: [{ op: "replace", path: "/a/b", value: 1 }],
      error: "/a/b does not exist",
    },
    {
      name: "removing a missing member",
      doc: { a: {} },
      ops: [{ op: "remove", path: "/a/b" }],
      error: "/a/b does not exist",
    },
    {
      name: "adding past the end of an array",
      doc: { a: [1] },
      ops: [{ op: "add", path: "/a/2", value: 1 }],
      error: "index 2 is past the end of the array",
    },
    {
      name: "an index with a leading zero",
      doc: { a: [1, 2] },
      ops: [{ op: "remove", path: "/a/01" }],
      error: "01 is not an array index",
    },
    {
      name: "a bad escape",
      doc: { a: 1 },
      ops: [{ op: "remove", path: "/a~2" }],
      error: "pointer /a~2 has a bad ~ escape",
    },
    {
      name: "an add without a value",
      doc: {},
      ops: [{ op: "add", path: "/a" }],
      error: "operation 0 has no value",
    },
  ];
  for (const tc of fails) {
    it(`should refuse ${tc.name}`, () => {
      expect(() => applyJsonPatch(tc.doc, tc.ops)).to.throw(tc.error);
    });
  }

  it("should leave the original untouched", () => {
    const doc = { a: { b: 1 } };
    applyJsonPatch(doc, [{ op: "replace", path: "/a/b", value: 2 }]);
    expect(doc).to.deep.equal({ a: { b: 1 } });
  });
});
