import { parseBoolean, parseMs } from "../basics/env.ts";

/** How a feature answers when it cannot do what the object asks. */
export const ERROR_HANDLING_MODES = ["reject", "allow-and-log", "strip-label"] as const;
/** One of ERROR_HANDLING_MODES. */
export type ErrorHandling = (typeof ERROR_HANDLING_MODES)[number];

/** The core's settings for one feature, read once at start-up. */
export interface CoreSettings {
  errorHandling: ErrorHandling;
  /** `ADD_TRACKING_ANNOTATIONS`: write `<feature>-applied` on success. */
  tracking: boolean;
  /** Budget for the feature's cluster view; must sit well inside the webhook's timeoutSeconds. */
  viewDeadlineMs: number;
}

type Env = Record<string, string | undefined>;

/** The feature's error handling variable: `NESTED_VIRT_ERROR_HANDLING`. */
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
