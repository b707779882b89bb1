import { ClusterError } from "../../shared/admission/errors.ts";
import { parseMs } from "../../shared/admission/settings.ts";
import type { CoreClient } from "../../shared/kube/client.ts";
import { clusterError, loadCoreClient } from "../../shared/kube/client.ts";
import { SharedLookup } from "../../shared/kube/cache.ts";
import { readConfigMap, readNodeLabels } from "../../shared/kube/reads.ts";
import type { Logger } from "../../shared/runtime/log.ts";
import type { NestedVirtSource } from "./feature.ts";
import { FEATURE } from "./intent.ts";
import type { Rules } from "./rules.ts";
import { NO_RULES, parseRules } from "./rules.ts";

export interface ClusterSettings {
  rulesConfigMap: { namespace: string; name: string };
  ttlMs: number;
  /** How long cached data may still be served while the API cannot be read. */
  maxStaleMs: number;
  deadlineMs: number;
}

type Env = Record<string, string | undefined>;

export function clusterSettingsFromEnv(env: Env = process.env): ClusterSettings {
  return {
    rulesConfigMap: {
      namespace:
        env["NESTED_VIRT_RULES_NAMESPACE"] || env["POD_NAMESPACE"] || "vm-feature-functions",
      name: env["NESTED_VIRT_RULES_CONFIGMAP"] || "nested-virt-rules",
    },
    ttlMs: parseMs("CLUSTER_CACHE_TTL_MS", env["CLUSTER_CACHE_TTL_MS"], 15_000),
    maxStaleMs: parseMs("CLUSTER_CACHE_MAX_STALE_MS", env["CLUSTER_CACHE_MAX_STALE_MS"], 300_000),
    deadlineMs: parseMs("CLUSTER_LOOKUP_DEADLINE_MS", env["CLUSTER_LOOKUP_DEADLINE_MS"], 3_000),
  };
}

/**
 * The live cluster, read through client-node and cached between requests. A ConfigMap edit takes
 * effect within ttlMs, without a restart.
 */
export function clusterSource(
  settings: ClusterSettings,
  log: Logger,
  connect: () => Promise<CoreClient> = loadCoreClient,
): NestedVirtSource & { warm(): void } {
  let client: Promise<CoreClient> | undefined;
  const api = (): Promise<CoreClient> =>
    (client ??= connectLogged(connect, log, () => (client = undefined)));
  const cacheOptions = {
    ttlMs: settings.ttlMs,
    maxStaleMs: settings.maxStaleMs,
    deadlineMs: settings.deadlineMs,
    onStale: (error: unknown) =>
      log("warn", "serving cached cluster data after a failed refresh", {
        feature: FEATURE,
        error: String(error),
      }),
  };
  const ref = settings.rulesConfigMap;
  const source = `ConfigMap ${ref.namespace}/${ref.name}`;
  let lastVersion = "";
  const rules = new SharedLookup<Rules>(async (signal) => {
    const cm = await readConfigMap(await api(), ref, signal);
    const parsed = cm ? parseRules(cm.data, source) : NO_RULES;
    if (cm && cm.resourceVersion !== lastVersion) {
      lastVersion = cm.resourceVersion;
      for (const problem of parsed.problems)
        log("warn", "invalid rule", { feature: FEATURE, problem });
    }
    return parsed;
  }, cacheOptions);
  const nodes = new SharedLookup(
    async (signal) => readNodeLabels(await api(), signal),
    cacheOptions,
  );
  return {
    rules: (signal) => bounded(rules.get(signal), source, signal),
    nodes: (signal) => bounded(nodes.get(signal), "nodes", signal),
    // Loading client-node takes longer than a lookup; start it with the process, not the first review.
    warm: () => void api().catch(() => undefined),
  };
}

// The shared load has its own deadline; a caller that stops waiting earlier gets the same message.
function bounded<T>(wait: Promise<T>, what: string, signal: AbortSignal): Promise<T> {
  return wait.catch((error: unknown) => {
    throw error instanceof ClusterError ? error : clusterError(what, error, signal);
  });
}

// The load is the largest part of a cold start, so its duration is logged.
async function connectLogged(
  connect: () => Promise<CoreClient>,
  log: Logger,
  forget: () => void,
): Promise<CoreClient> {
  const started = performance.now();
  try {
    const loaded = await connect();
    log("info", "cluster client loaded", {
      feature: FEATURE,
      durationMs: Math.round(performance.now() - started),
    });
    return loaded;
  } catch (error) {
    forget();
    // loadCoreClient already says which setting to fix; only other failures need wrapping.
    const failure =
      error instanceof ClusterError ? error : clusterError("the cluster configuration", error);
    log("warn", "cluster client could not be loaded", { feature: FEATURE, error: failure.message });
    throw failure;
  }
}
