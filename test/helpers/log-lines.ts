import type { ChildProcessWithoutNullStreams } from "node:child_process";

/** A spawned process that logs one JSON object a line on stdout, as imds-server does. */
export interface LoggingProcess {
  child: ChildProcessWithoutNullStreams;
  /** stdout's lines, parsed as each one completes. */
  lines: Record<string, unknown>[];
  /** The exit code, once the process has exited and all it printed is in `lines`. */
  exited: Promise<number | null>;
}

/** Collects `child`'s JSON log lines and its exit code. */
export function collectLogLines(child: ChildProcessWithoutNullStreams): LoggingProcess {
  const lines: Record<string, unknown>[] = [];
  let pending = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (pending + chunk).split("\n");
    pending = parts.pop() ?? "";
    for (const part of parts) lines.push(JSON.parse(part) as Record<string, unknown>);
  });
  // "close", not "exit": stdout may still hold the last lines when the process has exited.
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  return { child, lines, exited };
}

/**
 * Resolves with the first line whose `event` is `event`; fails once `timeoutMs` have passed or as
 * soon as the process has ended without logging it.
 */
export async function waitForEvent(
  run: LoggingProcess,
  event: string,
  timeoutMs = 5000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let ended = false;
  void run.exited.then(() => (ended = true));
  for (;;) {
    const line = run.lines.find((l) => l["event"] === event);
    if (line) return line;
    if (ended || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const why = ended ? "the process ended" : `${timeoutMs} ms passed`;
  throw new Error(`${why} without a ${event} log line; got ${JSON.stringify(run.lines)}`);
}
