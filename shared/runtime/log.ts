/** The levels of the JSON log lines, least to most severe. */
export type LogLevel = "debug" | "info" | "warn" | "error";
/** Writes one JSON log line: a level, a message and fields. */
export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

let pending: string[] = [];
let flushOnExit = false;

function flush(): void {
  if (pending.length === 0) return;
  const text = pending.join("");
  pending = [];
  process.stdout.write(text);
}

/**
 * Lines for stdout, written together once per turn of the event loop (and at exit): stdout is a
 * pipe in a container, and Node writes to pipes synchronously, one system call per write.
 */
export function stdoutLines(line: string): void {
  if (pending.length === 0) {
    setImmediate(flush).unref();
    if (!flushOnExit) {
      flushOnExit = true;
      process.once("exit", flush);
    }
  }
  pending.push(line);
}

/**
 * One JSON object per line on stdout, the shape log collectors in Kubernetes parse without
 * configuration. `LOG_LEVEL` (debug|info|warn|error|silent) filters; default info.
 */
export function jsonLogger(
  write: (line: string) => void = stdoutLines,
  minimum: string = process.env["LOG_LEVEL"] ?? "info",
): Logger {
  const floor = minimum === "silent" ? Infinity : (ORDER[minimum as LogLevel] ?? ORDER.info);
  return (level, message, fields = {}) => {
    if (ORDER[level] < floor) return;
    // The fields are written as they are, after the three every line has: no merged copy of them
    // (a line per review under load).
    const rest = JSON.stringify(fields);
    const head = `{"time":"${isoNow()}","level":"${level}","msg":${JSON.stringify(message)}`;
    write(`${head}${rest === "{}" ? "}" : `,${rest.slice(1)}`}\n`);
  };
}

let lastMs = Number.NaN;
let lastIso = "";

// Lines of the same millisecond share one timestamp string.
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
