/** How a feature answers when it cannot do what the object asks. */
export const ERROR_HANDLING_MODES = ["reject", "allow-and-log", "strip-label"] as const;
export type ErrorHandling = (typeof ERROR_HANDLING_MODES)[number];

export interface CoreSettings {
  errorHandling: ErrorHandling;
  /** `ADD_TRACKING_ANNOTATIONS`: write `<feature>-applied` on success. */
  tracking: boolean;
  /** Budget for the feature's cluster view; must sit well inside the webhook's timeoutSeconds. */
  viewDeadlineMs: number;
}

type Env = Record<string, string | undefined>;

export function errorHandlingVariable(feature: string): string {
  return `${feature.toUpperCase().replace(/-/g, "_")}_ERROR_HANDLING`;
}

/** Reads the settings once, at start-up; a wrong value stops the function with a clear message. */
export function settingsFromEnv(feature: string, env: Env = process.env): CoreSettings {
  return {
    errorHandling: parseErrorHandling(feature, env),
    tracking: parseBoolean("ADD_TRACKING_ANNOTATIONS", env["ADD_TRACKING_ANNOTATIONS"], true),
    viewDeadlineMs: parseMs("CLUSTER_LOOKUP_DEADLINE_MS", env["CLUSTER_LOOKUP_DEADLINE_MS"], 3000),
  };
}

function parseErrorHandling(feature: string, env: Env): ErrorHandling {
  const variable = errorHandlingVariable(feature);
  const raw = env[variable]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return "reject";
  const mode = ERROR_HANDLING_MODES.find((m) => m === raw);
  if (mode) return mode;
  throw new Error(
    `${feature}: ${variable}="${env[variable]}" is not a mode; use one of ${ERROR_HANDLING_MODES.join(", ")}`,
  );
}

export function parseBoolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = raw.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(value)) return true;
  if (["false", "0", "no", "off"].includes(value)) return false;
  throw new Error(`${name}="${raw}" is not a boolean; use true or false`);
}

export function parseMs(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  throw new Error(`${name}="${raw}" is not a positive whole number of milliseconds`);
}

/** A positive whole number such as a device limit; a wrong value names the variable. */
export function parseCount(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  throw new Error(`${name}="${raw}" is not a positive whole number`);
}
