import { FeatureError } from "../../shared/basics/errors.ts";
import type { HostRoots } from "./host.ts";

export interface LabellerConfig extends HostRoots {
  node: string;
  intervalMs: number;
  deadlineMs: number;
}

type Env = Record<string, string | undefined>;

/** Labels drift only when a KVM module is reloaded or a node is rebuilt; five minutes is plenty. */
export const DEFAULT_INTERVAL_SECONDS = 300;
/** No webhook waits on these calls, so they may take longer than an admission lookup. */
export const DEFAULT_DEADLINE_MS = 10_000;

/** Reads the settings once, at start-up; a wrong value names the variable and the fix. */
export function configFromEnv(env: Env = process.env): LabellerConfig {
  const node = env["NODE_NAME"]?.trim() ?? "";
  if (node === "") {
    throw new FeatureError("NODE_NAME is not set, so the function does not know its node", {
      field: "env NODE_NAME",
      fix: "set NODE_NAME from spec.nodeName with the downward API (valueFrom.fieldRef), as knative/cpu-labeller.yaml does",
    });
  }
  const seconds = positive(env, "PUBLISH_INTERVAL_SECONDS", DEFAULT_INTERVAL_SECONDS);
  return {
    node,
    intervalMs: Math.round(seconds * 1000),
    deadlineMs: Math.round(positive(env, "CLUSTER_LOOKUP_DEADLINE_MS", DEFAULT_DEADLINE_MS)),
    procRoot: env["PROC_ROOT"] || "/proc",
    sysRoot: env["SYS_ROOT"] || "/sys",
  };
}

function positive(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (Number.isFinite(value) && value > 0) return value;
  throw new FeatureError(`${name}="${raw}" is not a positive number`, {
    field: `env ${name}`,
    fix: `set it to a positive number such as ${fallback}, or leave it unset`,
  });
}
