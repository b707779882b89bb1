/**
 * Runs `work` with a signal that aborts after `ms`, and clears the timer as soon as the work
 * settles. AbortSignal.timeout cannot be cleared: its timer lives for the whole deadline, and
 * inside the Functions Framework's per-request domain a live timer keeps the domain, and with it
 * the request and response, reachable. At a few thousand admissions per second that held hundreds
 * of megabytes (measured with `npm run bench`).
 */
export async function withDeadline<T>(
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(
        new DOMException("The operation was aborted due to timeout", "TimeoutError"),
      ),
    ms,
  );
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
