/**
 * Runs `work` with a signal that aborts after `ms`, and clears the timer as soon as the work
 * settles. AbortSignal.timeout cannot be cleared: its timer lives for the whole deadline, and
 * inside the Functions Framework's per-request domain a live timer keeps the domain, and with it
 * the request and response, reachable. At a few thousand admissions per second that held hundreds
 * of megabytes (measured with `npm run bench`).
 */
export function withDeadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(
        new DOMException("The operation was aborted due to timeout", "TimeoutError"),
      ),
    ms,
  );
  // Not an async function: under the Functions Framework's per-request domain every promise has
  // a cost, and a review makes one of these.
  let running: Promise<T>;
  try {
    running = work(controller.signal);
  } catch (error) {
    clearTimeout(timer);
    return Promise.reject(error as Error);
  }
  return running.then(
    (value) => {
      clearTimeout(timer);
      return value;
    },
    (error: unknown) => {
      clearTimeout(timer);
      throw error;
    },
  );
}
