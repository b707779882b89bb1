// npm run bench:cluster: what the webhook chain adds to a VM create through the real API server.
// One run of npm run cluster's control plane: 300 creates of each example VM with every webhook
// warm, then the webhook configuration removed and 300 creates again; p50/p99 of each create's
// round trip (POST to 201) from one client, one create after another.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import type { Api, KubeObject } from "../cluster/api.ts";
import { ROOT } from "../cluster/binaries.ts";
import { startCluster } from "../cluster/cluster.ts";

const COUNT = 300;
const WARM_UP = 30;
const EXAMPLES = ["nested-virt-annotation.yaml", "pci-passthrough.yaml", "vbios-injection.yaml"];
const CONFIGURATION =
  "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/vm-feature-functions";

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

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

/** Whether a dry-run create still passes a webhook: every one adds its tracking annotation. */
async function mutated(api: Api, vm: KubeObject): Promise<boolean> {
  const path = await api.path(vm.apiVersion, vm.kind, vm.metadata.namespace);
  const stored = await api.ok<KubeObject>("POST", `${path}?dryRun=All`, vm);
  const keys = (o: KubeObject): number =>
    Object.keys((o.metadata["annotations"] as Record<string, string> | undefined) ?? {}).length;
  return keys(stored) !== keys(vm);
}

const fmt = (ms: number): string => ms.toFixed(2);

const dir = mkdtempSync(join(tmpdir(), "bench-cluster-"));
const cluster = await startCluster(dir);
try {
  const api = cluster.plane.admin;
  const vms = EXAMPLES.map(
    (file) => parse(readFileSync(join(ROOT, "examples", file), "utf8")) as KubeObject,
  );
  const warm: number[][] = [];
  for (const [i, vm] of vms.entries()) {
    if (!(await mutated(api, vm)))
      throw new Error(`examples/${EXAMPLES[i] ?? ""} passes no webhook`);
    await creates(api, vm, WARM_UP, "warm-up");
    warm.push(await creates(api, vm, COUNT, `warm-${i}`));
    process.stderr.write(`bench:cluster: ${EXAMPLES[i] ?? ""} warm done\n`);
  }
  await api.ok("DELETE", CONFIGURATION);
  for (const vm of vms) {
    while (await mutated(api, vm)) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const bare: number[][] = [];
  for (const [i, vm] of vms.entries()) {
    bare.push(await creates(api, vm, COUNT, `bare-${i}`));
    process.stderr.write(`bench:cluster: ${EXAMPLES[i] ?? ""} without webhooks done\n`);
  }
  process.stdout.write(
    `| VM (examples/) | p50 / p99 with every webhook warm (ms) | p50 / p99 with no webhook configuration (ms) | the chain adds at p50 / p99 (ms) |\n| --- | --- | --- | --- |\n`,
  );
  for (const [i, file] of EXAMPLES.entries()) {
    const w = [...(warm[i] ?? [])].sort((a, b) => a - b);
    const b = [...(bare[i] ?? [])].sort((a, b2) => a - b2);
    const [w50, w99, b50, b99] = [
      percentile(w, 50),
      percentile(w, 99),
      percentile(b, 50),
      percentile(b, 99),
    ];
    process.stdout.write(
      `| ${file} | ${fmt(w50)} / ${fmt(w99)} | ${fmt(b50)} / ${fmt(b99)} | ${fmt(w50 - b50)} / ${fmt(w99 - b99)} |\n`,
    );
  }
} finally {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
