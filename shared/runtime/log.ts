export type LogLevel = "debug" | "info" | "warn" | "error";
export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * One JSON object per line on stdout, the shape log collectors in Kubernetes parse without
 * configuration. `LOG_LEVEL` (debug|info|warn|error|silent) filters; default info.
 */
export function jsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(line),
  minimum: string = process.env["LOG_LEVEL"] ?? "info",
): Logger {
  const floor = minimum === "silent" ? Infinity : (ORDER[minimum as LogLevel] ?? ORDER.info);
  return (level, message, fields = {}) => {
    if (ORDER[level] < floor) return;
    write(
      `${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`,
    );
  };
}
