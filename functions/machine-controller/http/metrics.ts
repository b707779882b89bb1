import type { Counter, Histogram, Registry } from "prom-client";
import type * as PromClientModule from "prom-client";

export type Hook = "customize" | "sync" | "finalize";

/** What /metrics answers: Prometheus text and its content type. */
export interface Exposition {
  contentType: string;
  text: string;
}

/**
 * The function's own metrics, on its /metrics: how long each hook call took and which ones did
 * not reconcile cleanly. Counts of Machines by phase come from kube-state-metrics (a stateless
 * function only sees the Machine it is called for). A registry per handler, so that tests can run
 * several in one process.
 */
export interface HookMetrics {
  observe(hook: Hook, seconds: number): void;
  /** `reason`: a condition reason (TemplateNotFound, ...), invalid_request or internal. */
  error(hook: Hook, reason: string): void;
  /** Loads the metrics library soon, off the path of the answer in hand. */
  warmSoon(): void;
  exposition(): Promise<Exposition>;
}

type PromClient = Pick<typeof PromClientModule, "Counter" | "Histogram" | "Registry">;

interface Loaded {
  registry: Registry;
  duration: Histogram<"hook">;
  errors: Counter<"hook" | "reason">;
}

type Entry = { hook: Hook; seconds: number } | { hook: Hook; reason: string };

export interface MetricsOptions {
  /** How prom-client is loaded (tests pass their own). */
  load?: () => Promise<PromClient>;
  /** How many records may wait for the library. */
  maxWaiting?: number;
  /** A load that fails in the background is otherwise seen only by the next scrape. */
  onLoadError?: (error: unknown) => void;
}

/**
 * Metrics whose library loads off the first answer's path (100 ms after the first request, or by
 * the first scrape); records wait meanwhile, at most `maxWaiting` of them.
 */
export function hookMetrics({
  load = loadPromClient,
  maxWaiting = 10_000,
  onLoadError = () => undefined,
}: MetricsOptions = {}): HookMetrics {
  let loaded: Loaded | undefined;
  let loading: Promise<Loaded> | undefined;
  const waiting: Entry[] = [];
  const record = (entry: Entry, into: Loaded): void => {
    if ("seconds" in entry) into.duration.observe({ hook: entry.hook }, entry.seconds);
    else into.errors.inc({ hook: entry.hook, reason: entry.reason });
  };
  const ready = (): Promise<Loaded> => {
    loading ??= load().then(
      (prom) => {
        loaded = instruments(prom);
        for (const entry of waiting.splice(0)) record(entry, loaded);
        return loaded;
      },
      (error: unknown) => {
        // The next scrape tries again.
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
  const add = (entry: Entry): void => {
    if (loaded) record(entry, loaded);
    else if (waiting.length < maxWaiting) waiting.push(entry);
  };
  let warming = false;
  return {
    observe: (hook, seconds) => add({ hook, seconds }),
    error: (hook, reason) => add({ hook, reason }),
    warmSoon() {
      if (warming) return;
      warming = true;
      setTimeout(() => void ready().catch(onLoadError), 100).unref();
    },
    async exposition() {
      const { registry } = await ready();
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}

// prom-client is CommonJS: Node's import gives its exports by name and as `default`, the image's
// bundle (its own chunk, split out by esbuild) only as `default`.
async function loadPromClient(): Promise<PromClient> {
  const loaded = (await import("prom-client")) as PromClient & { default?: PromClient };
  return loaded.default ?? loaded;
}

function instruments({ Counter, Histogram, Registry }: PromClient): Loaded {
  const registry = new Registry();
  const duration = new Histogram({
    name: "machine_controller_hook_duration_seconds",
    help: "Time to answer a Metacontroller hook call, by hook.",
    labelNames: ["hook"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [registry],
  });
  const errors = new Counter({
    name: "machine_controller_hook_errors_total",
    help: "Hook calls that did not reconcile: a refused request, an internal error, or a Machine reported Failed (by reason).",
    labelNames: ["hook", "reason"],
    registers: [registry],
  });
  return { registry, duration, errors };
}
