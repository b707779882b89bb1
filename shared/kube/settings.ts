import { parseMs } from "../basics/env.ts";

/** How every function caches and bounds its cluster reads; one set of variables for all of them. */
export interface ReaderSettings {
  /** `CLUSTER_CACHE_TTL_MS`: how long an answer is served before it is read again. */
  ttlMs: number;
  /** `CLUSTER_CACHE_MAX_STALE_MS`: how long an old answer may be served while the API cannot be read. */
  maxStaleMs: number;
  /** `CLUSTER_LOOKUP_DEADLINE_MS`: bound on one read, whoever waits for it. */
  deadlineMs: number;
  /** `CLUSTER_CACHE_MAX_ENTRIES`: distinct reads kept; the least recently used go first. */
  maxEntries: number;
}

type Env = Record<string, string | undefined>;

/** The live reader's settings from the environment; a wrong value names its variable. */
export function readerSettingsFromEnv(env: Env = process.env): ReaderSettings {
  return {
    ttlMs: parseMs("CLUSTER_CACHE_TTL_MS", env["CLUSTER_CACHE_TTL_MS"], 15_000),
    maxStaleMs: parseMs("CLUSTER_CACHE_MAX_STALE_MS", env["CLUSTER_CACHE_MAX_STALE_MS"], 300_000),
    deadlineMs: parseMs("CLUSTER_LOOKUP_DEADLINE_MS", env["CLUSTER_LOOKUP_DEADLINE_MS"], 3_000),
    maxEntries: parseCount("CLUSTER_CACHE_MAX_ENTRIES", env["CLUSTER_CACHE_MAX_ENTRIES"], 1_000),
  };
}

function parseCount(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  throw new Error(`${name}="${raw}" is not a positive whole number`);
}
