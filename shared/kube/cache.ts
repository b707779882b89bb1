import { withDeadline } from "../runtime/deadline.ts";

/** How long a cached answer is fresh, and how long a stale one may be served. */
export interface CacheOptions {
  /** How long a value is served before it is read again. */
  ttlMs: number;
  /** How long an old value may still be served when a refresh fails. */
  maxStaleMs: number;
  /** Bound on one load, whoever waits for it. */
  deadlineMs: number;
  now?: () => number;
  onStale?: (error: unknown) => void;
}

/**
 * One cached cluster read shared by all requests: at most one load in flight, each load bounded
 * by its own deadline, and a recent value served while the API is briefly unreachable.
 */
export class SharedLookup<T> {
  private value: { data: T; at: number } | undefined;
  private inFlight: Promise<T> | undefined;
  private readonly now: () => number;
  private readonly load: (signal: AbortSignal) => Promise<T>;
  private readonly options: CacheOptions;

  constructor(load: (signal: AbortSignal) => Promise<T>, options: CacheOptions) {
    this.load = load;
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** The value while it is younger than ttlMs, without waiting; undefined when it must be read. */
  fresh(): { data: T } | undefined {
    const value = this.value;
    return value && this.now() - value.at < this.options.ttlMs ? value : undefined;
  }

  /**
   * The value, read again when older than ttlMs; `signal` bounds only this caller's wait. A caller
   * that cannot wait for the refresh gets the last value while it is younger than maxStaleMs: a
   * hanging API must not turn a usable cached answer into a failure.
   */
  get(signal?: AbortSignal): Promise<T> {
    const age = this.value ? this.now() - this.value.at : Infinity;
    if (this.value && age < this.options.ttlMs) return Promise.resolve(this.value.data);
    this.inFlight ??= this.refresh().finally(() => (this.inFlight = undefined));
    return signal
      ? raceAbort(this.inFlight, signal, () => this.stale(signal.reason))
      : this.inFlight;
  }

  private stale(error: unknown): { data: T } | undefined {
    const last = this.value;
    if (!last || this.now() - last.at >= this.options.maxStaleMs) return undefined;
    this.options.onStale?.(error);
    return last;
  }

  private async refresh(): Promise<T> {
    try {
      const data = await withDeadline(this.options.deadlineMs, this.load);
      this.value = { data, at: this.now() };
      return data;
    } catch (error) {
      const last = this.stale(error);
      if (last) return last.data;
      throw error;
    }
  }
}

function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  fallback: () => { data: T } | undefined,
): Promise<T> {
  const abandon = (resolve: (value: T) => void, reject: (error: Error) => void): void => {
    const last = fallback();
    if (last) resolve(last.data);
    else reject(signal.reason as Error);
  };
  if (signal.aborted) return new Promise<T>(abandon);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => abandon(resolve, reject);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
