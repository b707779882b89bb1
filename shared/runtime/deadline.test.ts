import { expect } from "chai";
import { withDeadline } from "./deadline.ts";

const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

describe("withDeadline", () => {
  // Counted over many runs: the test runner keeps a timer or two of its own.
  it("should leave no timer behind once the work settles", async () => {
    const before = timers();
    for (let i = 0; i < 50; i += 1) {
      expect(await withDeadline(60_000, (signal) => Promise.resolve(signal.aborted))).to.equal(
        false,
      );
    }
    expect(timers() - before).to.be.lessThan(5);
  });

  it("should abort the signal with a TimeoutError when the work outlives the deadline", async () => {
    const error = await Promise.resolve(
      withDeadline(
        20,
        (signal) =>
          new Promise((_, reject) =>
            signal.addEventListener("abort", () => reject(signal.reason as Error)),
          ),
      ),
    ).catch((e: unknown) => e);
    expect((error as Error).name).to.equal("TimeoutError");
  });

  it("should answer work whose value is at hand in the same step, arming no timer", () => {
    const before = timers();
    const answer = withDeadline(
      60_000,
      (signal) => (signal.aborted ? -1 : 2),
      (n) => n * 3,
    );
    expect(answer).to.equal(6);
    expect(timers()).to.equal(before);
  });

  it("should throw what work throws before it has a value, and arm no timer", () => {
    const before = timers();
    expect(() =>
      withDeadline(60_000, () => {
        throw new Error("refused");
      }),
    ).to.throw("refused");
    expect(timers()).to.equal(before);
  });
});
