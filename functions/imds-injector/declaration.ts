import type { Declaration } from "../declaration.ts";
import { imdsInjector } from "./feature.ts";
import { FIELDS } from "./fields.ts";

// What imds-injector is, beside its line in functions/registry.ts.
export const declaration: Declaration = {
  admission: { feature: imdsInjector, fields: FIELDS },
  bench: ({ admission }) => admission({ example: "launcher-pod-imds.yaml" }),
  reliability: async () => (await import("./fixtures/reliability.ts")).line,
};
