import type { Declaration } from "../declaration.ts";
import { FIELDS } from "./fields.ts";

// What gpu-device-plugin is, beside its line in functions/registry.ts.
export const declaration: Declaration = {
  admission: {
    feature: async () => (await import("./feature.ts")).gpuDevicePlugin,
    object: "VirtualMachine",
    fields: FIELDS,
  },
  bench: ({ admission }) => admission({ example: "gpu-device-plugin.yaml" }),
  reliability: async () => (await import("./fixtures/reliability.ts")).line,
};
