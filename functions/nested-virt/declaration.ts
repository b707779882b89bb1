import type { Declaration } from "../declaration.ts";
import { FIELDS } from "./fields.ts";

// What nested-virt is, beside its line in functions/registry.ts.
export const declaration: Declaration = {
  admission: {
    feature: async () => (await import("./feature.ts")).nestedVirt,
    object: "VirtualMachine",
    fields: FIELDS,
  },
  bench: ({ admission }) =>
    admission({
      example: "nested-virt-annotation.yaml",
      // An explicit flag needs neither the rules ConfigMap nor the nodes.
      withoutRead: { "vm-feature-manager.io/nested-virt": "vmx" },
    }),
  reliability: async () => (await import("./fixtures/reliability.ts")).line,
};
