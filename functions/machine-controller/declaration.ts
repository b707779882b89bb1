import type { Declaration } from "../declaration.ts";

// What machine-controller is, beside its line in functions/registry.ts.
export const declaration: Declaration = {
  // A Metacontroller hook: everything it needs comes in the request, and it never reads the API.
  // The sync Metacontroller sends for examples/machine-basic.yaml once its children exist and
  // KubeVirt runs it (examples/machine-basic-running.yaml): the steady state of every Machine.
  bench: async ({ example }) => {
    const { hookRequestFor } = await import("./preview.ts");
    const { snapshotReader } = await import("../../shared/kube/snapshot-reader.ts");
    const request = await hookRequestFor(
      example("machine-basic.yaml")[0] ?? {},
      snapshotReader(example("machine-basic-running.yaml")),
      false,
    );
    return {
      withoutRead: {
        method: "POST",
        path: "/sync",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(request),
      },
      cluster: [],
    };
  },
  reliability: async () => (await import("./fixtures/reliability.ts")).line,
};
