// npm run cluster -- up | status | down: a real Kubernetes control plane on this machine with the
// product installed from knative/, to try it with kubectl (docs/cluster.md).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { ensureBinaries } from "./cluster/binaries.ts";
import { ensureDist } from "./cluster/cluster.ts";
import { knativeWebhookBinary } from "./cluster/knative-webhook.ts";
import { alive, FAILED_FILE, readState, STATE_DIR } from "./cluster/state.ts";
import type { State } from "./cluster/state.ts";
import { upstreamCrds } from "./cluster/upstream-crds.ts";

const DOWN = "`npm run cluster -- down`";

function fail(message: string): never {
  process.stderr.write(`cluster: ${message}\n`);
  process.exit(1);
}

function describe(state: State): string {
  return [
    `kube-apiserver ${state.kubernetesVersion} at ${state.server} (etcd ${state.etcdVersion}), front door ${state.frontDoor}`,
    `functions: ${state.functions.join(", ")}`,
    `export KUBECONFIG=${state.kubeconfig}`,
    `kubectl: ${state.kubectl}`,
  ].join("\n");
}

async function waitForDaemon(pid: number): Promise<State> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const state = readState();
    if (state) return state;
    if (existsSync(FAILED_FILE)) {
      fail(
        `${readFileSync(FAILED_FILE, "utf8").trim()} (logs in ${STATE_DIR}; ${DOWN} removes them)`,
      );
    }
    if (!alive(pid)) fail(`the cluster process stopped; see ${join(STATE_DIR, "daemon.log")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  fail(`the cluster was not up within 120 s; see ${join(STATE_DIR, "daemon.log")} and ${DOWN}`);
}

async function up(): Promise<void> {
  const state = readState();
  if (state && alive(state.daemon))
    fail(`a cluster already runs (pid ${state.daemon}); ${DOWN} stops it\n${describe(state)}`);
  if (existsSync(STATE_DIR)) {
    fail(`stale state folder ${STATE_DIR} from a cluster that no longer runs: ${DOWN} removes it`);
  }
  const started = Date.now();
  ensureBinaries();
  ensureDist();
  const built = Date.now();
  mkdirSync(STATE_DIR, { recursive: true });
  const log = openSync(join(STATE_DIR, "daemon.log"), "a");
  const daemon = spawn(process.execPath, [join(import.meta.dirname, "cluster", "daemon.ts")], {
    detached: true,
    stdio: ["ignore", log, log],
  });
  daemon.unref();
  const ready = await waitForDaemon(daemon.pid ?? 0);
  const seconds = (ms: number): string => (ms / 1000).toFixed(1);
  process.stdout.write(
    `${describe(ready)}\nup in ${seconds(Date.now() - built)} s (binaries and dist checked in ${seconds(built - started)} s)\n`,
  );
}

function status(): void {
  const state = readState();
  if (!state) {
    process.stdout.write(
      existsSync(STATE_DIR)
        ? `no cluster runs; stale state folder ${STATE_DIR}: ${DOWN}\n`
        : "no cluster runs\n",
    );
    return;
  }
  const dead = state.pids.filter((pid) => !alive(pid));
  const health =
    alive(state.daemon) && dead.length === 0
      ? "running"
      : `degraded: ${dead.length} of its processes stopped (${DOWN}, then up)`;
  process.stdout.write(`${health}\n${describe(state)}\n`);
}

async function stopDaemon(daemon: number): Promise<void> {
  process.kill(daemon, "SIGTERM");
  const deadline = Date.now() + 15_000;
  while (alive(daemon) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function down(): Promise<void> {
  const state = readState();
  if (state && alive(state.daemon)) await stopDaemon(state.daemon);
  // Whatever the daemon did not stop (it was killed, or stopped first) goes now.
  const left = state ? [state.daemon, ...state.pids].filter((pid) => pid > 0 && alive(pid)) : [];
  for (const pid of left) process.kill(pid, "SIGKILL");
  rmSync(STATE_DIR, { recursive: true, force: true });
  process.stdout.write(
    state ? "cluster stopped, state removed\n" : "no cluster ran; state removed\n",
  );
}

/** Only what Go builds: npm test builds it before mocha, whose hooks have time limits. */
async function build(): Promise<void> {
  const binaries = ensureBinaries();
  process.stdout.write(
    `kube-apiserver, kubectl ${binaries.kubernetesVersion}, etcd ${binaries.etcdVersion} in ${dirname(binaries.kubectl)}\n`,
  );
  const crds = await upstreamCrds();
  process.stdout.write(
    `${crds.length} upstream CRDs, Knative's webhook in ${dirname(await knativeWebhookBinary())}\n`,
  );
}

const commands: Record<string, () => void | Promise<void>> = { up, status, down, build };
const command = commands[process.argv[2] ?? ""];
if (!command)
  fail(
    `usage: npm run cluster -- up | status | down | build (got "${process.argv.slice(2).join(" ")}")`,
  );
try {
  await command();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
