import { ClusterError } from "../basics/errors.ts";
import type { KubeObject } from "../basics/kube-object.ts";
import type { MaybePromise } from "../runtime/maybe-promise.ts";
import type { Logger } from "../runtime/log.ts";
import { SharedLookup } from "./cache.ts";
import { clusterError } from "./api-errors.ts";
import type { KindRef } from "./kinds.ts";
import type { ObjectClient } from "./api-reads.ts";
import { connectObjects } from "./api-reads.ts";
import type { Absent, ClusterReader, ListQuery } from "./reader.ts";
import { describeGet, describeList } from "./reader.ts";
import type { ReaderSettings } from "./settings.ts";
import { monotonicMs } from "../runtime/clock.ts";

/** What a live reader is made with: the feature it reads for, settings, logger. */
export interface LiveReaderOptions {
  /** Names the function in the reader's log lines. */
  feature: string;
  settings: ReaderSettings;
  log: Logger;
  connect?: () => Promise<ObjectClient>;
}

/** A ClusterReader on the live API that can connect ahead of its first read. */
export interface LiveReader extends ClusterReader {
  /** Connects now (a kubeconfig loads client-node), so that the first read does not wait for it. */
  warm(): void;
}

/**
 * The live cluster (connectObjects), every answer cached per query and shared by all requests:
 * one load in flight per query, each bounded by the lookup deadline, an answer served for ttlMs and,
 * when a refresh fails, for up to maxStaleMs with a warning in the log. A ConfigMap edit takes
 * effect within ttlMs, without a restart.
 */
export function liveReader({
  feature,
  settings,
  log,
  connect = connectObjects,
}: LiveReaderOptions): LiveReader {
  let client: Promise<ObjectClient> | undefined;
  const objects = (): Promise<ObjectClient> =>
    (client ??= connectLogged(connect, feature, log, () => (client = undefined)));
  const lookups = new LruMap<SharedLookup<unknown>>(settings.maxEntries);
  const cacheOptions = {
    ttlMs: settings.ttlMs,
    maxStaleMs: settings.maxStaleMs,
    deadlineMs: settings.deadlineMs,
    onStale: (error: unknown) =>
      log("warn", "serving cached cluster data after a failed refresh", {
        feature,
        error: String(error),
      }),
  };
  function cached<T>(
    key: string,
    what: () => string,
    load: (c: ObjectClient, s: AbortSignal) => Promise<T>,
    signal: AbortSignal,
  ): MaybePromise<T> {
    const lookup = lookups.getOrAdd(
      key,
      () => new SharedLookup<unknown>(async (s) => load(await objects(), s), cacheOptions),
    ) as SharedLookup<T>;
    // A fresh answer needs no deadline and cannot fail: it is handed over as it is, with no
    // promise; and what a failure would say is written only when there can be one.
    const fresh = lookup.fresh();
    return fresh ? fresh.data : bounded(lookup.get(signal), what(), signal);
  }
  // Keys joined by a character no apiVersion, kind, name or selector holds: every review looks
  // its reads up, and a JSON array written for each was garbage made on every lookup.
  return {
    get: (kind, namespace, name, signal): MaybePromise<KubeObject | Absent> =>
      cached(
        `get\0${kind.apiVersion}\0${kind.kind}\0${namespace}\0${name}`,
        () => describeGet(kind, namespace, name),
        (c, s) => c.get(kind, namespace, name, s),
        signal,
      ),
    list: (kind: KindRef, query: ListQuery, signal): MaybePromise<KubeObject[] | Absent> =>
      cached(
        `list\0${kind.apiVersion}\0${kind.kind}\0${query.namespace ?? ""}\0${query.labelSelector ?? ""}\0${query.fieldSelector ?? ""}`,
        () => describeList(kind, query),
        (c, s) => c.list(kind, query, s),
        signal,
      ),
    // Loading client-node for a kubeconfig takes longer than a lookup: start it before a review waits.
    warm: () => void objects().catch(() => undefined),
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
  connect: () => Promise<ObjectClient>,
  feature: string,
  log: Logger,
  forget: () => void,
): Promise<ObjectClient> {
  const started = monotonicMs();
  try {
    const loaded = await connect();
    log("info", "cluster client loaded", {
      feature,
      durationMs: Math.round(monotonicMs() - started),
    });
    return loaded;
  } catch (error) {
    forget();
    // loadKubeConfig already says which setting to fix; only other failures need wrapping.
    const failure =
      error instanceof ClusterError ? error : clusterError("the cluster configuration", error);
    log("warn", "cluster client could not be loaded", { feature, error: failure.message });
    throw failure;
  }
}

/**
 * A Map bounded to `max` entries that drops the least recently used: reads name VMIs and pods,
 * which come and go. A hit only stamps its entry: moving it to the Map's end (delete, set) on
 * every read of every review would leave deleted slots for the Map to compact. Finding the oldest stamp walks the entries, on a miss only, which
 * then waits for the API anyway.
 */
class LruMap<V> {
  private readonly entries = new Map<string, { value: V; used: number }>();
  private readonly max: number;
  private clock = 0;

  constructor(max: number) {
    this.max = max;
  }

  getOrAdd(key: string, make: () => V): V {
    const found = this.entries.get(key);
    if (found !== undefined) {
      found.used = ++this.clock;
      return found.value;
    }
    const value = make();
    this.entries.set(key, { value, used: ++this.clock });
    if (this.entries.size > this.max) this.dropOldest();
    return value;
  }

  private dropOldest(): void {
    let oldest: string | undefined;
    let at = Infinity;
    for (const [key, entry] of this.entries) {
      if (entry.used < at) {
        at = entry.used;
        oldest = key;
      }
    }
    if (oldest !== undefined) this.entries.delete(oldest);
  }

  get size(): number {
    return this.entries.size;
  }
}
