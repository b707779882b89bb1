// The one real control plane of a mocha run (npm run cluster's startCluster): started by the first
// suite that asks, stopped after the last test (a root `after` hook) or when the process exits.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster } from "../../scripts/cluster/cluster.ts";
import type { Cluster } from "../../scripts/cluster/cluster.ts";

let started: Promise<Cluster> | undefined;
let current: Cluster | undefined;
let dir: string | undefined;

// Last resort when mocha stops without the root hook (an interrupt): no process outlives it.
function killAll(): void {
  for (const pid of current?.pids() ?? []) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** The shared cluster; call it from a `before` hook with a timeout of a minute or more. */
export function realCluster(): Promise<Cluster> {
  if (!started) {
    dir = mkdtempSync(join(tmpdir(), "real-cluster-"));
    started = startCluster(dir).then((cluster) => (current = cluster));
    process.once("exit", killAll);
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        killAll();
        process.exit(130);
      });
    }
  }
  return started;
}

/** Registers the root hook that stops the cluster after the whole run; idempotent. */
export function stopRealClusterAfterAll(): void {
  after(async function () {
    this.timeout(30_000);
    const running = started;
    started = undefined;
    current = undefined;
    if (running) await (await running.catch(() => undefined))?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
}
