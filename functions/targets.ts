/**
 * Every function the image can serve, loaded on demand so that a function pays only for its own
 * imports at cold start (the build turns each into its own chunk).
 */
export const targets: Record<string, () => Promise<unknown>> = {
  "nested-virt": () => import("./nested-virt/index.ts"),
  "cpu-labeller": () => import("./cpu-labeller/index.ts"),
  "pci-passthrough": () => import("./pci-passthrough/index.ts"),
  "gpu-device-plugin": () => import("./gpu-device-plugin/index.ts"),
  "vbios-injection": () => import("./vbios-injection/index.ts"),
  "macvtap-capabilities": () => import("./macvtap-capabilities/index.ts"),
  "imds-injector": () => import("./imds-injector/index.ts"),
  "machine-controller": () => import("./machine-controller/index.ts"),
};
