export interface RateLimitOptions {
  ratePerSecond: number;
  burst: number;
  /** Most clients tracked at once; the least recently seen is forgotten first. */
  maxClients?: number;
  now?: () => number;
}

export type Decision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * One token bucket per client address. Memory stays bounded however many addresses show up
 * (spoofed sources on the bridge included): a Map keeps insertion order, so re-inserting on each
 * hit makes its first key the least recently seen one, which is dropped when the map is full.
 * A forgotten client starts again with a full bucket, which only ever errs towards answering.
 */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #maxClients: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimitOptions) {
    this.#rate = options.ratePerSecond;
    this.#burst = options.burst;
    this.#maxClients = options.maxClients ?? 256;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#buckets.size;
  }

  take(client: string): Decision {
    const now = this.#now();
    const bucket = this.#refill(client, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const seconds = Math.ceil((1 - bucket.tokens) / this.#rate);
    return { allowed: false, retryAfterSeconds: Math.max(1, seconds) };
  }

  #refill(client: string, now: number): Bucket {
    const previous = this.#buckets.get(client);
    this.#buckets.delete(client);
    const bucket = previous ?? { tokens: this.#burst, updated: now };
    const elapsed = Math.max(0, now - bucket.updated) / 1000;
    bucket.tokens = Math.min(this.#burst, bucket.tokens + elapsed * this.#rate);
    bucket.updated = now;
    if (this.#buckets.size >= this.#maxClients) {
      const oldest = this.#buckets.keys().next();
      if (!oldest.done) this.#buckets.delete(oldest.value);
    }
    this.#buckets.set(client, bucket);
    return bucket;
  }
}
