import type { MaybePromise } from "./maybe-promise.ts";

/**
 * Runs `work` with a signal that aborts after `ms`, and clears the timer as soon as the work
 * settles. AbortSignal.timeout cannot be cleared: its timer lives for the whole deadline, and
 * inside the Functions Framework's per-request domain a live timer keeps the domain, and with it
 * the request and response, reachable under load. The deadline counts from when the work first
 * waits: what it does before that could not be interrupted anyway.
 */
export function withDeadline<T, R = T>(
  ms: number,
  work: (signal: AbortSignal) => MaybePromise<T>,
  // What becomes of the value once the timer is cleared: in the same step, not one promise more.
  next: (value: T) => MaybePromise<R> = (value) => value as unknown as R,
): MaybePromise<R> {
  const controller = new AbortController();
  // A throw before the work has a value is thrown here, as is `next`'s for a value at hand: the
  // caller takes a throw and a rejection alike (see admit).
  const running = work(controller.signal);
  // Work that answered at once has nothing left to bound: no timer, and no promise (see MaybePromise).
  if (!(running instanceof Promise)) return next(running);
  const timer = setTimeout(
    () =>
      controller.abort(
        new DOMException("The operation was aborted due to timeout", "TimeoutError"),
      ),
    ms,
  );
  // Not an async function: once a process has made a domain (the Functions Framework makes one
  // per call) the domain's async hook sees every promise.
  return running.then(
    (value) => {
      clearTimeout(timer);
      return next(value);
    },
    (error: unknown) => {
      clearTimeout(timer);
      throw error;
    },
  );
}
