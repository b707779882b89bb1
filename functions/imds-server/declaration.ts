import type { Declaration } from "../declaration.ts";

// What imds-server is, beside its line in functions/registry.ts: npm run bench measures it apart
// (scripts/bench.ts), as the sidecar it is, so it declares no bench input here.
export const declaration: Declaration = {
  reliability: async () => (await import("./fixtures/reliability.ts")).line,
};
