// Cold start and latency of the nested-virt function, as the image runs it (dist/main.js), against
// a local fake Kubernetes API, next to a bare node:http baseline on the same machine and run; and
// the cold start of the Pod functions (macvtap-capabilities, imds-injector).
// Prints one JSON line per figure; `ratio` lines compare the function with the baseline.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FakeKubeApi } from "../../test/helpers/fake-kube-api.ts";
import type { FakeObject } from "../../test/helpers/fake-kube-api.ts";
import { launcherPod, podReview, vmiObject } from "../../test/helpers/launcher-pod.ts";
import { admissionReview, virtualMachine } from "../../test/helpers/review.ts";
import { bundle } from "../build.ts";
import { load, round } from "./load.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 5);
const CONNECTIONS = 16;
const emit = (fields: Record<string, unknown>): boolean =>
  process.stdout.write(`${JSON.stringify(fields)}\n`);

interface Started {
  url: string;
  pid: number;
  stop: () => void;
  startedAt: number;
}

async function start(args: string[], env: Record<string, string>): Promise<Started> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env["PATH"] ?? "", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  const port = await new Promise<number>((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}`)));
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"msg":"serving".*?"port":(\d+)/.exec(out);
      if (match?.[1]) resolve(Number(match[1]));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    stop: () => child.kill("SIGTERM"),
    startedAt,
  };
}

async function answer(url: string, body: string): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  if (res.status !== 200) throw new Error(`bench: ${url} answered ${res.status}`);
  await res.json();
}

function rssMb(pid: number): number {
  const status = spawnSyncText("cat", [`/proc/${pid}/status`]);
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return round(kb / 1024);
}

function spawnSyncText(command: string, args: string[]): string {
  return spawnSync(command, args, { encoding: "utf8" }).stdout;
}

async function coldStart(
  env: Record<string, string>,
  body: string,
  target = "nested-virt",
  runs = 5,
): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const fn = await start(["dist/main.js", "--target", target, "--port", "0"], env);
    await answer(fn.url, body);
    times.push(performance.now() - fn.startedAt);
    fn.stop();
  }
  times.sort((a, b) => a - b);
  return round(times[Math.floor(times.length / 2)] ?? 0);
}

const api = new FakeKubeApi();
await api.start();
api.addNode("n1", {
  "cpu.vm-feature-manager.io/vendor": "intel",
  "cpu.vm-feature-manager.io/nested": "true",
});
// As the Dockerfile sets it, so the figures are the image's.
const env = { KUBECONFIG: api.writeKubeconfig(), NODE_OPTIONS: "--max-semi-space-size=4" };
await bundle(`${ROOT}/dist`);

const lookup = JSON.stringify(
  admissionReview(
    virtualMachine({ annotations: { "vm-feature-manager.io/nested-virt": "enabled" } }),
  ),
);
const noLookup = JSON.stringify(
  admissionReview(virtualMachine({ annotations: { "vm-feature-manager.io/nested-virt": "vmx" } })),
);
emit({ bench: "review-size", bytes: Buffer.byteLength(lookup) });
emit({
  bench: "cold-start",
  case: "annotation vmx (no cluster read)",
  medianMs: await coldStart(env, noLookup),
});
emit({
  bench: "cold-start",
  case: "annotation enabled (reads nodes)",
  medianMs: await coldStart(env, lookup),
});
const cache = mkdtempSync(join(tmpdir(), "compile-cache-"));
spawnSync("sh", ["scripts/prime-compile-cache.sh"], {
  cwd: ROOT,
  env: { ...process.env, NODE_COMPILE_CACHE: cache },
});
const primed = { ...env, NODE_COMPILE_CACHE: cache };
for (const [label, body] of [
  ["annotation vmx", noLookup],
  ["annotation enabled", lookup],
] as const) {
  const medianMs = await coldStart(primed, body);
  emit({ bench: "cold-start", case: `${label}, compile cache primed as in the image`, medianMs });
}

api.put(vmiObject() as FakeObject);
const macvtap = { "macvtap.network.kubevirt.io/eno1": "1" };
const pods = [
  [
    "macvtap-capabilities",
    "macvtap launcher pod (no cluster read)",
    launcherPod({ computeResources: { requests: macvtap, limits: macvtap } }),
  ],
  [
    "imds-injector",
    "launcher pod asking for metadata (reads its VMI)",
    launcherPod({ annotations: { "imds.kubevirt.io/enabled": "true" } }),
  ],
] as const;
for (const [target, label, pod] of pods) {
  const body = JSON.stringify(podReview(pod));
  const medianMs = await coldStart(primed, body, target);
  emit({ bench: "cold-start", case: `${target}: ${label}, compile cache primed`, medianMs });
}
rmSync(cache, { recursive: true, force: true });

const baseline = await start(["scripts/bench/baseline.ts"], {});
const base = await load(baseline.url, lookup, CONNECTIONS, SECONDS);
emit({ bench: "load", server: "bare node:http baseline", connections: CONNECTIONS, ...base });
baseline.stop();

const fn = await start(["dist/main.js", "--target", "nested-virt", "--port", "0"], env);
await answer(fn.url, lookup);
const result = await load(fn.url, lookup, CONNECTIONS, SECONDS);
emit({ bench: "load", server: "nested-virt (dist/main.js)", connections: CONNECTIONS, ...result });
emit({ bench: "memory", server: "nested-virt after load", rssMb: rssMb(fn.pid) });
fn.stop();
await api.stop();

emit({
  bench: "ratio",
  what: "throughput nested-virt / baseline",
  value: round(result.rps / base.rps),
});
emit({
  bench: "ratio",
  what: "p99 nested-virt / baseline",
  value: round(result.p99ms / base.p99ms),
});
