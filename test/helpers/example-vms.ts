// Every VirtualMachine the examples produce, computed as `npm run preview` does (shared/preview):
// each example VM as given and as the webhook chain leaves it, and each VM machine-controller
// makes for a Machine example, also as the chain leaves it.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { mutators } from "../../functions/mutators.ts";
import { previewMachine } from "../../functions/machine-controller/preview.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import { snapshotReader } from "../../shared/kube/snapshot-reader.ts";
import { inChainOrder } from "../../shared/preview/chain.ts";
import { preview } from "../../shared/preview/run.ts";
import { parseObjects } from "../../shared/preview/snapshot.ts";
import { webhookEntries } from "../../shared/webhooks/entry.ts";
import { examplesOf } from "./examples.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const read = (path: string): KubeObject[] =>
  parseObjects(readFileSync(`${ROOT}${path}`, "utf8"), path);

export interface ExampleVm {
  /** Where it comes from, e.g. `examples/pci-passthrough.yaml after the chain`. */
  what: string;
  vm: KubeObject;
}

/** The example files (`examples/<name>.yaml`) that hold exactly one object of `kind`. */
const filesOf = (kind: string): string[] => examplesOf(kind).map(({ file }) => `examples/${file}`);

async function afterChain(vm: KubeObject): Promise<KubeObject> {
  const entries = webhookEntries(
    readFileSync(`${ROOT}knative/webhooks.yaml`, "utf8"),
    "knative/webhooks.yaml",
  );
  const chain = inChainOrder(
    mutators.map((build) => build()),
    entries,
  );
  const result = await preview(vm, chain, snapshotReader(read("examples/cluster.yaml")));
  if (result.denied) throw new Error(`${result.denied.function}: ${result.denied.message}`);
  return result.object;
}

/** The children of `kind` machine-controller makes for the Machine in `file`. */
async function machineChildren(file: string, kind: string): Promise<KubeObject[]> {
  const cluster = snapshotReader(read("examples/machine-cluster.yaml"));
  const machine = read(file)[0] ?? {};
  const made = await previewMachine(machine, cluster, { now: new Date() });
  return (made.sync?.children ?? []).filter((c: KubeObject) => c.kind === kind);
}

/** Every child of `kind` machine-controller makes for the Machine examples. */
export async function exampleMachineChildren(
  kind: string,
): Promise<{ what: string; object: KubeObject }[]> {
  const made = await Promise.all(
    filesOf("Machine").map(async (file) =>
      (await machineChildren(file, kind)).map((object) => ({
        what: `the ${kind} machine-controller makes for ${file}`,
        object,
      })),
    ),
  );
  return made.flat();
}

async function machineVms(file: string): Promise<ExampleVm[]> {
  const vms = await machineChildren(file, "VirtualMachine");
  const what = `the VM machine-controller makes for ${file}`;
  return [
    ...vms.map((vm) => ({ what, vm })),
    ...(await Promise.all(
      vms.map(async (vm) => ({ what: `${what} after the chain`, vm: await afterChain(vm) })),
    )),
  ];
}

/** Every VM the examples produce, each with where it comes from. */
export async function exampleVms(): Promise<ExampleVm[]> {
  const given = filesOf("VirtualMachine").map((file) => ({
    what: file,
    vm: read(file)[0] ?? {},
  }));
  const chained = await Promise.all(
    given.map(async ({ what, vm }) => ({
      what: `${what} after the chain`,
      vm: await afterChain(vm),
    })),
  );
  const made = await Promise.all(filesOf("Machine").map(machineVms));
  return [...given, ...chained, ...made.flat()];
}
