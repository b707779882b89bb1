import { ClusterError, FeatureError } from "../../shared/basics/errors.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import { clusterWriteError, statusOf } from "../../shared/kube/api-errors.ts";
import { CONFIG_MAP } from "../../shared/kube/kinds.ts";
import type { OwnedObjects } from "../../shared/kube/api-writes.ts";
import { connectOwned } from "../../shared/kube/api-writes.ts";
import type { ClusterReader } from "../../shared/kube/reader.ts";
import { ABSENT } from "../../shared/kube/reader.ts";
import type { MaybePromise } from "../../shared/runtime/maybe-promise.ts";
import { HOOK_CONFIGMAP, HOOK_KEY, HOOK_PROGRAM } from "./hook-program.ts";

/**
 * The function's only writes: create the hook ConfigMap, or replace it; nothing else, by name.
 * The body names its namespace.
 */
export interface HookWriter {
  create(body: KubeObject, signal: AbortSignal): Promise<void>;
  replace(body: KubeObject, signal: AbortSignal): Promise<void>;
}

export type HookOutcome = "created" | "updated" | "current";

const MANAGED_BY = { "app.kubernetes.io/managed-by": "vm-feature-functions" };

/** The hook ConfigMap as the function writes it into `namespace`. */
export function hookConfigMap(namespace: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: HOOK_CONFIGMAP,
      namespace,
      labels: { ...MANAGED_BY, "app.kubernetes.io/component": "vbios-injection-hook" },
    },
    data: { [HOOK_KEY]: HOOK_PROGRAM },
  };
}

/**
 * Makes the hook ConfigMap in `namespace` hold this version's program: read through the shared
 * reader (cached, so most admissions only read), created when absent, replaced when outdated. A
 * ConfigMap of that name that the function did not make is never overwritten. Another replica
 * creating it first (409) counts as done; the next read shows whether it is current.
 */
export async function ensureHookConfigMap(
  cluster: ClusterReader,
  writer: HookWriter,
  namespace: string,
  signal: AbortSignal,
): Promise<HookOutcome> {
  const existing = await cluster.get(CONFIG_MAP, namespace, HOOK_CONFIGMAP, signal);
  if (existing === ABSENT) return create(writer, namespace, signal);
  const labels = existing.metadata?.labels ?? {};
  if (labels["app.kubernetes.io/managed-by"] !== MANAGED_BY["app.kubernetes.io/managed-by"]) {
    throw new FeatureError(
      `ConfigMap ${namespace}/${HOOK_CONFIGMAP} exists and was not made by vbios-injection`,
      {
        field: `ConfigMap ${namespace}/${HOOK_CONFIGMAP}`,
        fix: "delete or rename it: the function keeps its hook program under that name",
      },
    );
  }
  const data = (existing["data"] ?? {}) as Record<string, string>;
  if (data[HOOK_KEY] === HOOK_PROGRAM && Object.keys(data).length === 1) return "current";
  try {
    await writer.replace(hookConfigMap(namespace), signal);
  } catch (error) {
    // Deleted since the (cached) read: create it again.
    if (statusOf(error) === 404) return create(writer, namespace, signal);
    throw writeError("update", namespace, error, signal);
  }
  return "updated";
}

/** Creates it; "current" when another replica created it first (409). */
async function create(
  writer: HookWriter,
  namespace: string,
  signal: AbortSignal,
): Promise<HookOutcome> {
  try {
    await writer.create(hookConfigMap(namespace), signal);
    return "created";
  } catch (error) {
    if (statusOf(error) === 409) return "current";
    throw writeError("create", namespace, error, signal);
  }
}

function writeError(
  verb: "create" | "update",
  namespace: string,
  error: unknown,
  signal: AbortSignal,
): ClusterError {
  const status = statusOf(error);
  if (status === 401 || status === 403) {
    return new ClusterError(
      `the Kubernetes API refused to let the function ${verb} ConfigMap ${namespace}/${HOOK_CONFIGMAP} (HTTP ${status})`,
      "apply the RBAC and the ValidatingAdmissionPolicy in knative/vbios-injection.yaml (configmaps: create; get, update on vbios-injection-hook)",
      { cause: error },
    );
  }
  return clusterWriteError(`ConfigMap ${namespace}/${HOOK_CONFIGMAP}`, error, signal, verb);
}

/**
 * The live writer, connected on the first write: the reads' configuration and node:https
 * transport (connectOwned), without client-node's API classes.
 */
export function liveHookWriter(): HookWriter {
  let owned: Promise<OwnedObjects> | undefined;
  const connected = (): Promise<OwnedObjects> =>
    (owned ??= connectOwned().catch((error: unknown) => {
      owned = undefined;
      throw error;
    }));
  return {
    create: async (body, signal) => (await connected()).create(CONFIG_MAP, body, signal),
    replace: async (body, signal) => (await connected()).replace(CONFIG_MAP, body, signal),
  };
}

/**
 * ensureHookConfigMap, skipped for `ttlMs` in a namespace where this process has just written the
 * hook ConfigMap or found it current. The shared reader caches a 404 like any answer: after the
 * first VM of a namespace created the ConfigMap, the read still said absent for the cache's
 * lifetime, and every VM admitted in it meanwhile tried the create again (a 409 each: npm run
 * bench:profile showed one API write a review). A ConfigMap deleted meanwhile is found as late as
 * a cached read would find it.
 */
export function rememberedHooks(
  writer: HookWriter,
  ttlMs: number,
  now: () => number = Date.now,
): (cluster: ClusterReader, namespace: string, signal: AbortSignal) => MaybePromise<HookOutcome> {
  const confirmed = new Map<string, number>();
  // Not async: a namespace confirmed within ttlMs, every review's case, is answered at hand.
  return (cluster, namespace, signal) => {
    const at = confirmed.get(namespace);
    if (at !== undefined && now() - at < ttlMs) return "current";
    return ensureHookConfigMap(cluster, writer, namespace, signal).then((outcome) => {
      confirmed.set(namespace, now());
      return outcome;
    });
  };
}
