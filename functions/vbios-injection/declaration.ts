import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { Declaration } from "../declaration.ts";
import { FIELDS } from "./fields.ts";

// What vbios-injection is, beside its line in functions/registry.ts.
export const declaration: Declaration = {
  admission: {
    feature: async () => (await import("./feature.ts")).vbiosInjection,
    object: "VirtualMachine",
    fields: FIELDS,
  },
  // The example's ROM is a 512-byte stand-in; the cluster here holds one of a video BIOS's size.
  bench: ({ admission, example }) => {
    const input = admission({ example: "vbios-injection.yaml" });
    return { ...input, cluster: [...input.cluster, videoBiosConfigMap(example, 128 * 1024)] };
  },
  reliability: async () => (await import("./fixtures/reliability.ts")).line,
};

/** examples/vbios-rom.yaml's ConfigMap with a ROM of `bytes` (55 AA, then zeros). */
function videoBiosConfigMap(example: (file: string) => KubeObject[], bytes: number): KubeObject {
  const [configMap] = example("vbios-rom.yaml");
  const rom = Buffer.alloc(bytes);
  rom.set([0x55, 0xaa]);
  return { ...configMap, binaryData: { rom: rom.toString("base64") } };
}
