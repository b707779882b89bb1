/**
 * A value at hand, or a promise of it: what a cluster read gives when its cached answer is fresh,
 * and what a feature's view gives when every read it made was.
 *
 * Why not always a promise: once a process has made a domain (the Functions Framework makes one
 * per call) the domain's async hook sees every promise, with a destroy hook each, and a review
 * that read three cached answers through `async` code made eleven of them. The answer is the same
 * either way; only the steps to it differ.
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * `next(value)` in this step when the value is at hand, else once it resolves. A throw in `next`
 * throws here when the value was at hand, and rejects the promise otherwise: callers take both as
 * the same failure (see admit).
 */
export function andThen<T, R>(
  value: MaybePromise<T>,
  next: (value: T) => MaybePromise<R>,
): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** Every value: at hand when each one is, else a promise of them all (`Promise.all`). */
export function allOf<const T extends readonly unknown[]>(values: {
  readonly [K in keyof T]: MaybePromise<T[K]>;
}): MaybePromise<T> {
  return values.some((value) => value instanceof Promise)
    ? (Promise.all(values) as Promise<T>)
    : (values as unknown as T);
}
