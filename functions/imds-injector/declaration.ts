import type { Declaration } from "../declaration.ts";
import { FIELDS } from "./fields.ts";

// What imds-injector is, beside its line in functions/registry.ts.
export const declaration: Declaration = {
  admission: {
    feature: async () => (await import("./feature.ts")).imdsInjector,
    object: "Pod",
    fields: FIELDS,
  },
  bench: ({ admission }) => admission({ example: "launcher-pod-imds.yaml" }),
  reliability: async () => (await import("./fixtures/reliability.ts")).line,
};
