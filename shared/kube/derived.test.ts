import { expect } from "chai";
import { derivedPerRead } from "./derived.ts";

describe("derivedPerRead", () => {
  it("should derive once per object, anew for another, and share a frozen value", () => {
    let calls = 0;
    const labels = derivedPerRead((node: { labels: Record<string, string> }) => {
      calls += 1;
      return { keys: Object.keys(node.labels).sort() };
    });
    const node = { labels: { b: "1", a: "2" } };
    const first = labels(node);
    expect(labels(node)).to.equal(first);
    expect(calls).to.equal(1);
    expect(labels({ labels: { c: "3" } }).keys).to.deep.equal(["c"]);
    expect(calls).to.equal(2);
    expect(Object.isFrozen(first) && Object.isFrozen(first.keys)).to.equal(true);
  });

  it("should keep a value derived as undefined rather than derive it again", () => {
    let calls = 0;
    const nothing = derivedPerRead((read: object) => {
      calls += 1;
      return read === null ? read : undefined;
    });
    const key = {};
    nothing(key);
    nothing(key);
    expect(calls).to.equal(1);
  });
});
