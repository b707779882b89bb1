/**
 * Milliseconds on the monotonic clock, for durations in log lines and metrics. Not
 * `performance.now()`: the first read of the `performance` global loads node:perf_hooks and its
 * timing modules, on the first review's path.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
