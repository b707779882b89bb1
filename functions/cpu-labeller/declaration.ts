import type { Declaration } from "../declaration.ts";

// What cpu-labeller is, beside its line in functions/registry.ts.
export const declaration: Declaration = {
  // A DaemonSet, not in any request path: its first answer (200) comes after its first publish,
  // which reads /proc/cpuinfo and patches its Node over TLS; then it serves its last result.
  bench: () => ({
    withRead: { method: "GET", path: "/", headers: {} },
    cluster: [],
    env: { NODE_NAME: "worker-intel-1" },
    poll: true,
  }),
  reliability: async () => (await import("./fixtures/reliability.ts")).line,
};
