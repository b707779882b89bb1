// KubeVirt's CustomResourceDefinitions as virt-operator makes them: tools/kubevirt-crds calls
// KubeVirt's own generator (pkg/virt-operator/resource/generate/components); its output is kept
// under .cluster/crds/, one file per set of pins, so Go builds it once.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./binaries.ts";
import { go, pinsKey, run } from "./go-command.ts";

const MODULE = join(ROOT, "tools", "kubevirt-crds");
const CACHE = join(ROOT, ".cluster", "crds");

/** Where the CRDs built from the current pins are kept. */
export function kubevirtCrdsFile(): string {
  return join(CACHE, `kubevirt-${pinsKey(MODULE, ["go.mod", "go.sum", "main.go"])}.json`);
}

/** KubeVirt's CRDs (KubeVirt, VirtualMachine, VirtualMachineInstance, ...), built once per pins. */
export async function kubevirtCrds(): Promise<Record<string, unknown>[]> {
  const file = kubevirtCrdsFile();
  if (!existsSync(file)) await build(file);
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>[];
}

async function build(file: string): Promise<void> {
  const work = join(CACHE, `build-${process.pid}`);
  mkdirSync(work, { recursive: true });
  try {
    process.stderr.write("crds: building KubeVirt's CRD generator (once for these pins) ...\n");
    const binary = join(work, "kubevirt-crds");
    await go(["build", "-trimpath", "-o", binary, "."], MODULE, "go build tools/kubevirt-crds");
    const json = await run(binary, [], MODULE, "tools/kubevirt-crds");
    writeFileSync(join(work, "crds.json"), json);
    renameSync(join(work, "crds.json"), file);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
