import { expect } from "chai";
import { RateLimiter } from "./rate-limit.ts";

describe("imds-server RateLimiter", () => {
  let now: number;
  const limiter = (maxClients?: number): RateLimiter =>
    new RateLimiter({ ratePerSecond: 2, burst: 3, maxClients, now: () => now });
  beforeEach(() => (now = 1_000_000));

  it("should allow the burst and then ask to retry after a second when the bucket is empty", () => {
    const limit = limiter();
    const decisions = [1, 2, 3, 4].map(() => limit.take("10.0.2.2"));
    expect(decisions).to.deep.equal([
      { allowed: true },
      { allowed: true },
      { allowed: true },
      { allowed: false, retryAfterSeconds: 1 },
    ]);
  });

  it("should refill at the configured rate when time passes", () => {
    const limit = limiter();
    for (let i = 0; i < 3; i++) limit.take("a");
    now += 500;
    expect([limit.take("a"), limit.take("a")]).to.deep.equal([
      { allowed: true },
      { allowed: false, retryAfterSeconds: 1 },
    ]);
  });

  it("should keep separate buckets when requests come from different addresses", () => {
    const limit = limiter();
    for (let i = 0; i < 3; i++) limit.take("a");
    expect([limit.take("a").allowed, limit.take("b").allowed]).to.deep.equal([false, true]);
  });

  it("should forget the least recently seen client when the table is full", () => {
    const limit = limiter(2);
    for (let i = 0; i < 3; i++) limit.take("a");
    limit.take("b");
    limit.take("c");
    expect(limit.size).to.equal(2);
    expect(limit.take("a")).to.deep.equal({ allowed: true });
  });

  it("should round Retry-After up when the rate is below one per second", () => {
    const limit = new RateLimiter({ ratePerSecond: 0.25, burst: 1, now: () => now });
    limit.take("a");
    expect(limit.take("a")).to.deep.equal({ allowed: false, retryAfterSeconds: 4 });
  });
});
