// Measures the imds-server sidecar as the image runs it (the esbuild bundle, built afresh into a
// temporary folder): time from process start to the first answered /healthz, and resident memory
// idle and after a batch of requests. It runs once per VM, so these are per-VM costs. Network
// setup is off (it listens on 127.0.0.1), so start-up excludes the bridge wait, which depends on
// virt-handler rather than on this program. The same figures for a bare node:http server that
// answers OK tell this program's cost apart from Node's own and from the machine's load.
// Prints one JSON line per metric.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { bundle } from "../build.ts";

const TRIALS = 7;
const BARE_SERVER = `import { createServer } from "node:http";
createServer((req, res) => res.end("OK")).listen(Number(process.env.IMDS_PORT), "127.0.0.1");
`;
const REQUESTS = 2000;
const CONCURRENCY = 8;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function launch(entry: string, port: number, tokenPath: string): ChildProcess {
  return spawn(process.execPath, [entry], {
    stdio: "ignore",
    env: {
      IMDS_NETWORK_SETUP: "false",
      IMDS_ADDRESS: "127.0.0.1",
      IMDS_PORT: String(port),
      IMDS_TOKEN_PATH: tokenPath,
      IMDS_NAMESPACE: "vms",
      IMDS_SERVICE_ACCOUNT: "builder",
      IMDS_VM_NAME: "web-1",
      IMDS_RATE_PER_SECOND: "1000000",
      IMDS_RATE_BURST: "1000000",
      LOG_LEVEL: "warn",
    },
  });
}

async function firstAnswer(port: number, started: number): Promise<number> {
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

function rssMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function startOnce(entry: string, tokenPath: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = launch(entry, port, tokenPath);
  const elapsed = Math.round(await firstAnswer(port, started));
  await stop(child);
  return elapsed;
}

/** Alternates the two programs so that a change in the machine's load hits both alike. */
async function startup(entries: string[], tokenPath: string): Promise<number[][]> {
  const times: number[][] = entries.map(() => []);
  for (let i = 0; i < TRIALS; i++) {
    for (const [k, entry] of entries.entries()) times[k]?.push(await startOnce(entry, tokenPath));
  }
  return times;
}

async function load(port: number): Promise<void> {
  const paths = ["/v1/identity", "/v1/token"];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < REQUESTS) {
      const path = paths[next++ % paths.length] ?? "/healthz";
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { metadata: "true" } });
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
const print = (metric: string, value: number, extra: object = {}): void =>
  console.log(JSON.stringify({ bench: "imds-server", metric, value, ...extra }));

const dir = mkdtempSync(join(tmpdir(), "imds-bench-"));
try {
  await bundle(join(dir, "dist"));
  const entry = join(dir, "dist", "imds-server.js");
  const tokenPath = join(dir, "token");
  writeFileSync(tokenPath, `e30.${Buffer.from('{"exp":1900000000}').toString("base64url")}.c2ln`);

  const bare = join(dir, "bare.mjs");
  writeFileSync(bare, BARE_SERVER);

  const [times = [], bareTimes = []] = await startup([entry, bare], tokenPath);
  print("startup_ms", median(times), { unit: "ms", trials: times, node: process.version });
  print("baseline_startup_ms", median(bareTimes), { unit: "ms", trials: bareTimes });

  const baseline = launch(bare, await freePort(), tokenPath);
  await new Promise((resolve) => setTimeout(resolve, 500));
  print("baseline_rss_idle_mb", rssMb(baseline.pid ?? 0, "VmRSS"), { unit: "MB" });
  await stop(baseline);

  const port = await freePort();
  const child = launch(entry, port, tokenPath);
  await firstAnswer(port, performance.now());
  const pid = child.pid ?? 0;
  print("rss_idle_mb", rssMb(pid, "VmRSS"), { unit: "MB" });
  await load(port);
  print("rss_after_requests_mb", rssMb(pid, "VmRSS"), { unit: "MB", requests: REQUESTS });
  print("rss_peak_mb", rssMb(pid, "VmHWM"), { unit: "MB", requests: REQUESTS });
  await stop(child);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
