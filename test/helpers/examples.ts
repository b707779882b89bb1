import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import { parseObjects } from "../../shared/preview/snapshot.ts";

export const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));

/** Every example file that holds exactly one object of one of `kinds`, with that object. */
export function examplesOf(...kinds: string[]): { file: string; object: KubeObject }[] {
  return readdirSync(EXAMPLES)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((file) => ({
      file,
      objects: parseObjects(readFileSync(`${EXAMPLES}${file}`, "utf8"), file),
    }))
    .filter(({ objects }) => objects.length === 1 && kinds.includes(objects[0]?.kind ?? ""))
    .map(({ file, objects }) => ({ file, object: objects[0] as KubeObject }));
}

/** Every example file that holds exactly one VirtualMachine or Pod: what users admit. */
export function exampleInputs(): { file: string; object: KubeObject }[] {
  return examplesOf("VirtualMachine", "Pod");
}

/** The example Machines' file names without `.yaml`. */
export const MACHINE_EXAMPLES = examplesOf("Machine").map(({ file }) =>
  file.replace(/\.yaml$/, ""),
);

/** The example cluster (examples/cluster.yaml) the preview reads. */
export function exampleCluster(): KubeObject[] {
  return parseObjects(readFileSync(`${EXAMPLES}cluster.yaml`, "utf8"), "cluster.yaml");
}

/** The objects of one example file: a List's items, or its one object. */
export function exampleObjects(file: string): KubeObject[] {
  return parseObjects(readFileSync(`${EXAMPLES}${file}`, "utf8"), file);
}

/** The first object of one example file. */
export function exampleObject(file: string): KubeObject {
  const [object] = exampleObjects(file);
  if (!object) throw new Error(`examples/${file} is empty`);
  return object;
}
