// npm run bench:cluster: what the webhook chain adds to a VM create through the real API server.
// One run of npm run cluster's control plane, in three rounds: each round times 100 creates of each
// example VM with every webhook warm and 100 with the webhook configuration removed, in turns (the
// order flips every round), so both sides see the same minute of a shared machine. Each create is
// a round trip (POST to 201) from one client, one create after another.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import type { Api, KubeObject } from "../cluster/api.ts";
import { ROOT } from "../cluster/binaries.ts";
import { startCluster } from "../cluster/cluster.ts";
import { exampleClusterObjects, webhookConfiguration } from "../cluster/install.ts";
import { report } from "./cluster-report.ts";
import type { Block } from "./cluster-report.ts";

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
const COUNT = Number(process.env["BENCH_CREATES"] ?? 100);
const WARM_UP = 30;
const EXAMPLES = ["nested-virt-annotation.yaml", "pci-passthrough.yaml", "vbios-injection.yaml"];
const CONFIGURATION =
  "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/vm-feature-functions";
const WEBHOOK_METRIC = "apiserver_admission_webhook_admission_duration_seconds";

/** `count` creates of `vm` under fresh names, each timed, each deleted after; returns ms each. */
async function creates(api: Api, vm: KubeObject, count: number, tag: string): Promise<number[]> {
  const path = await api.path(vm.apiVersion, vm.kind, vm.metadata.namespace);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    // A name the example's own rules match the same way (nested-virt's rules key on the prefix).
    const object = {
      ...vm,
      metadata: { ...vm.metadata, name: `${vm.metadata.name ?? "vm"}-${tag}-${i}` },
    };
    const start = process.hrtime.bigint();
    await api.ok("POST", path, object);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    await api.ok("DELETE", `${path}/${object.metadata.name}`);
  }
  return times;
}

/** The API server's own count and total seconds of webhook calls so far (its /metrics). */
async function webhookCalls(api: Api): Promise<{ count: number; seconds: number }> {
  const metrics = String(await api.ok("GET", "/metrics"));
  const sum = (suffix: string): number =>
    metrics
      .split("\n")
      .filter((line) => line.startsWith(`${WEBHOOK_METRIC}_${suffix}{`))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
  return { count: sum("count"), seconds: sum("sum") };
}

/** Times `COUNT` creates of `vm`, with how many webhook calls they made and their mean. */
async function timed(api: Api, vm: KubeObject, tag: string): Promise<Block> {
  const before = await webhookCalls(api);
  const times = await creates(api, vm, COUNT, tag);
  const after = await webhookCalls(api);
  const calls = after.count - before.count;
  return {
    times,
    callsPerCreate: calls / COUNT,
    callMs: calls > 0 ? ((after.seconds - before.seconds) / calls) * 1000 : 0,
  };
}

/** Whether a dry-run create still passes a webhook: every one adds its tracking annotation. */
async function mutated(api: Api, vm: KubeObject): Promise<boolean> {
  const path = await api.path(vm.apiVersion, vm.kind, vm.metadata.namespace);
  const stored = await api.ok<KubeObject>("POST", `${path}?dryRun=All`, vm);
  const keys = (o: KubeObject): number =>
    Object.keys((o.metadata["annotations"] as Record<string, string> | undefined) ?? {}).length;
  return keys(stored) !== keys(vm);
}

/** Installs or removes the webhook configuration, and waits until every example shows it. */
async function chain(api: Api, on: KubeObject | undefined, vms: KubeObject[]): Promise<void> {
  // Removing it again (two rounds meet without it) is a 404, which is fine.
  if (on) await api.apply(on);
  else await api.send("DELETE", CONFIGURATION);
  for (const vm of vms) {
    while ((await mutated(api, vm)) !== (on !== undefined)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** One block of timed creates of each example, each added to that example's list. */
async function timeEach(api: Api, vms: KubeObject[], into: Block[][], tag: string): Promise<void> {
  for (const [i, vm] of vms.entries()) into[i]?.push(await timed(api, vm, `${tag}-${i}`));
}

const dir = mkdtempSync(join(tmpdir(), "bench-cluster-"));
const cluster = await startCluster(dir);
try {
  const api = cluster.plane.admin;
  const load = loadavg()[0] ?? 0;
  const configuration = webhookConfiguration(cluster.frontDoor.ca, exampleClusterObjects());
  const vms = EXAMPLES.map(
    (file) => parse(readFileSync(join(ROOT, "examples", file), "utf8")) as KubeObject,
  );
  for (const [i, vm] of vms.entries()) {
    if (!(await mutated(api, vm)))
      throw new Error(`examples/${EXAMPLES[i] ?? ""} passes no webhook`);
    await creates(api, vm, WARM_UP, "warm-up");
  }
  const warm: Block[][] = vms.map(() => []);
  const bare: Block[][] = vms.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const on of round % 2 === 0 ? [true, false] : [false, true]) {
      await chain(api, on ? configuration : undefined, vms);
      await timeEach(api, vms, on ? warm : bare, `${on ? "warm" : "bare"}-${round}`);
      process.stderr.write(`bench:cluster: round ${round + 1} ${on ? "with" : "without"} done\n`);
    }
  }
  process.stdout.write(
    report(
      EXAMPLES,
      warm,
      bare,
      `load average ${load.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end`,
    ),
  );
} finally {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
