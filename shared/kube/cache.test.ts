import { expect } from "chai";
import { SharedLookup } from "./cache.ts";

function counter(values: (number | Error)[]): {
  load: (signal: AbortSignal) => Promise<number>;
  calls: () => number;
} {
  let calls = 0;
  return {
    load: () => {
      const value = values[Math.min(calls, values.length - 1)];
      calls += 1;
      return value instanceof Error ? Promise.reject(value) : Promise.resolve(value as number);
    },
    calls: () => calls,
  };
}

describe("SharedLookup", () => {
  let now = 0;
  const options = { ttlMs: 100, maxStaleMs: 1000, deadlineMs: 50, now: () => now };
  beforeEach(() => (now = 0));

  it("should serve a cached value within the TTL and read again after it", async () => {
    const source = counter([1, 2]);
    const lookup = new SharedLookup(source.load, options);
    expect(await lookup.get()).to.equal(1);
    now = 99;
    expect(await lookup.get()).to.equal(1);
    now = 100;
    expect(await lookup.get()).to.equal(2);
    expect(source.calls()).to.equal(2);
  });

  it("should share one load between concurrent callers", async () => {
    const source = counter([7]);
    const lookup = new SharedLookup(source.load, options);
    expect(await Promise.all([lookup.get(), lookup.get(), lookup.get()])).to.deep.equal([7, 7, 7]);
    expect(source.calls()).to.equal(1);
  });

  it("should serve the last value when a refresh fails within maxStaleMs, and fail after", async () => {
    const stale: unknown[] = [];
    const source = counter([1, new Error("down")]);
    const lookup = new SharedLookup(source.load, { ...options, onStale: (e) => stale.push(e) });
    await lookup.get();
    now = 500;
    expect(await lookup.get()).to.equal(1);
    expect(stale).to.have.length(1);
    now = 1500;
    const error = await lookup.get().catch((e: unknown) => e);
    expect((error as Error).message).to.equal("down");
  });

  it("should not cache a failure", async () => {
    const source = counter([new Error("down"), 3]);
    const lookup = new SharedLookup(source.load, options);
    await lookup.get().catch(() => undefined);
    expect(await lookup.get()).to.equal(3);
  });

  // Found by test/reliability/faults.test.ts: with the API hanging, the review's deadline (the
  // same length as the load's) fired first and the cached answer was never served.
  it("should give a caller that stops waiting the last value while it is not too stale", async () => {
    let calls = 0;
    const lookup = new SharedLookup(
      () => (calls++ === 0 ? Promise.resolve(1) : new Promise<number>(() => undefined)),
      { ...options, deadlineMs: 60_000 },
    );
    expect(await lookup.get()).to.equal(1);
    now = 500;
    const controller = new AbortController();
    const waiting = lookup.get(controller.signal);
    controller.abort(new Error("review deadline"));
    expect(await waiting).to.equal(1);
    now = 1000;
    const late = new AbortController();
    const failing = lookup.get(late.signal);
    late.abort(new Error("review deadline"));
    expect(await failing.catch((e: unknown) => (e as Error).message)).to.equal("review deadline");
  });

  it("should stop waiting when the caller's signal fires", async () => {
    const lookup = new SharedLookup<number>(() => new Promise(() => undefined), {
      ...options,
      deadlineMs: 10_000,
    });
    const error = await lookup.get(AbortSignal.timeout(20)).catch((e: unknown) => e);
    expect((error as Error).name).to.equal("TimeoutError");
  });

  it("should give the load its own deadline signal", async () => {
    let seen: AbortSignal | undefined;
    const lookup = new SharedLookup<number>(
      (signal) => {
        seen = signal;
        return new Promise((_, reject) =>
          signal.addEventListener("abort", () => reject(new Error("aborted"))),
        );
      },
      { ...options, deadlineMs: 20 },
    );
    const error = await lookup.get().catch((e: unknown) => e);
    expect((error as Error).message).to.equal("aborted");
    expect(seen?.aborted).to.equal(true);
  });
});
