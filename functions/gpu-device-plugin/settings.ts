import { parseCount } from "../../shared/basics/env.ts";
import { resourceNameProblem } from "../../shared/kubevirt/resource-name.ts";

/** `gpus`: attach through `domain.devices.gpus`; `resource-limit`: the older limit-only behaviour. */
export const GPU_MODES = ["gpus", "resource-limit"] as const;
export type GpuMode = (typeof GPU_MODES)[number];

export interface GpuSettings {
  mode: GpuMode;
  /** `GPU_ALLOWED_PLUGINS`: exact names and `vendor.com/*` domains; undefined allows any. */
  allowed?: readonly string[];
  /** `GPU_MAX_DEVICES`: GPUs one VM may ask for in all. */
  maxDevices: number;
}

type Env = Record<string, string | undefined>;

export const DEFAULT_MAX_GPUS = 16;

/** Read once, at start-up; a wrong value stops the function with a message naming the variable. */
export function gpuSettingsFromEnv(env: Env = process.env): GpuSettings {
  const allowed = parseAllowed(env["GPU_ALLOWED_PLUGINS"]);
  return {
    mode: parseMode(env["GPU_MODE"]),
    ...(allowed ? { allowed } : {}),
    maxDevices: parseCount("GPU_MAX_DEVICES", env["GPU_MAX_DEVICES"], DEFAULT_MAX_GPUS),
  };
}

function parseMode(raw: string | undefined): GpuMode {
  const value = raw?.trim().toLowerCase() ?? "";
  if (value === "") return "gpus";
  const mode = GPU_MODES.find((m) => m === value);
  if (mode) return mode;
  throw new Error(`GPU_MODE="${raw}" is not a mode; use one of ${GPU_MODES.join(", ")}`);
}

function parseAllowed(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  return raw.split(",").map((entry) => {
    const pattern = entry.trim();
    const problem = resourceNameProblem(
      pattern.endsWith("/*") ? `${pattern.slice(0, -1)}x` : pattern,
    );
    if (problem)
      throw new Error(
        `GPU_ALLOWED_PLUGINS="${raw}": "${pattern}" is neither a resource name nor vendor.com/* (${problem})`,
      );
    return pattern;
  });
}

/** Whether the allow-list (when there is one) admits the resource. */
export function pluginAllowed(
  allowed: readonly string[] | undefined,
  resourceName: string,
): boolean {
  if (allowed === undefined) return true;
  return allowed.some((pattern) =>
    pattern.endsWith("/*")
      ? resourceName.startsWith(pattern.slice(0, -1))
      : pattern === resourceName,
  );
}
