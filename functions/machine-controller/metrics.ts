import { Counter, Histogram, Registry } from "prom-client";

export type Hook = "customize" | "sync" | "finalize";

/**
 * The function's own metrics, on its /metrics: how long each hook call took and which ones did
 * not reconcile cleanly. Counts of Machines by phase come from kube-state-metrics (a stateless
 * function only sees the Machine it is called for). A registry per handler, so that tests can run
 * several in one process.
 */
export interface HookMetrics {
  registry: Registry;
  observe(hook: Hook, seconds: number): void;
  /** `reason`: a condition reason (TemplateNotFound, ...), invalid_request or internal. */
  error(hook: Hook, reason: string): void;
}

export function hookMetrics(): HookMetrics {
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
  return {
    registry,
    observe: (hook, seconds) => duration.observe({ hook }, seconds),
    error: (hook, reason) => errors.inc({ hook, reason }),
  };
}
