import type { Declaration } from "../declaration.ts";
import { FIELDS } from "./fields.ts";

// What pci-passthrough is, beside its line in functions/registry.ts.
export const declaration: Declaration = {
  admission: {
    feature: async () => (await import("./feature.ts")).pciPassthrough,
    object: "VirtualMachine",
    fields: FIELDS,
  },
  bench: ({ admission }) => admission({ example: "pci-passthrough.yaml" }),
  reliability: async () => (await import("./fixtures/reliability.ts")).line,
};
