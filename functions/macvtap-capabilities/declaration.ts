import type { Declaration } from "../declaration.ts";
import { FIELDS } from "./fields.ts";

// What macvtap-capabilities is, beside its line in functions/registry.ts.
export const declaration: Declaration = {
  admission: {
    feature: async () => (await import("./feature.ts")).macvtapCapabilities,
    object: "Pod",
    fields: FIELDS,
  },
  bench: ({ admission }) => admission({ example: "launcher-pod-macvtap.yaml", readsNothing: true }),
  reliability: async () => (await import("./fixtures/reliability.ts")).line,
};
