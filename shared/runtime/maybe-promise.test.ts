import { expect } from "chai";
import { allOf, andThen } from "./maybe-promise.ts";

describe("MaybePromise", () => {
  it("should run the next step in the same step when the value is at hand", () => {
    const seen: number[] = [];
    const result = andThen(2, (n) => {
      seen.push(n);
      return n * 3;
    });
    expect(result).to.equal(6);
    expect(seen).to.deep.equal([2]);
  });

  it("should wait for a promise, and let a throw in the next step reject it", async () => {
    expect(await andThen(Promise.resolve(2), (n) => n * 3)).to.equal(6);
    const failed = andThen(Promise.resolve(2), () => {
      throw new Error("no");
    });
    expect(failed).to.be.instanceOf(Promise);
    expect(await (failed as Promise<never>).catch((e: unknown) => (e as Error).message)).to.equal(
      "no",
    );
  });

  it("should throw from the next step at once when the value was at hand", () => {
    expect(() =>
      andThen(1, () => {
        throw new Error("now");
      }),
    ).to.throw("now");
  });

  it("should give all values at once when none is a promise, else a promise of them", async () => {
    const now = allOf([1, "a"] as const);
    expect(now).to.deep.equal([1, "a"]);
    const later = allOf([1, Promise.resolve("a")] as const);
    expect(later).to.be.instanceOf(Promise);
    expect(await later).to.deep.equal([1, "a"]);
  });
});
