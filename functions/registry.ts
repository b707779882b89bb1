/**
 * What a function is: admission (a mutating webhook around a Feature), a controller (Metacontroller
 * hooks) or a node agent (a DaemonSet that publishes what its node has).
 */
export type FunctionKind = "admission" | "controller" | "node-agent";

/** One function, declared once: everything else that lists functions derives from this entry. */
export interface FunctionEntry {
  /** kebab-case: its folder, its FUNCTION_TARGET, its Knative Service and its docs page. */
  name: string;
  kind: FunctionKind;
  /** Its entry point, imported on demand so that a function pays only for its own imports. */
  load: () => Promise<unknown>;
}

/** Every function the image serves; the admission ones in the order their webhooks run. */
export const FUNCTIONS: readonly FunctionEntry[] = [
  { name: "nested-virt", kind: "admission", load: () => import("./nested-virt/index.ts") },
  { name: "cpu-labeller", kind: "node-agent", load: () => import("./cpu-labeller/index.ts") },
  { name: "pci-passthrough", kind: "admission", load: () => import("./pci-passthrough/index.ts") },
  {
    name: "gpu-device-plugin",
    kind: "admission",
    load: () => import("./gpu-device-plugin/index.ts"),
  },
  { name: "vbios-injection", kind: "admission", load: () => import("./vbios-injection/index.ts") },
  {
    name: "macvtap-capabilities",
    kind: "admission",
    load: () => import("./macvtap-capabilities/index.ts"),
  },
  { name: "imds-injector", kind: "admission", load: () => import("./imds-injector/index.ts") },
  {
    name: "machine-controller",
    kind: "controller",
    load: () => import("./machine-controller/index.ts"),
  },
];

/** The names of the functions of one kind, in FUNCTIONS' order. */
export function namesOf(kind: FunctionKind): string[] {
  return FUNCTIONS.filter((f) => f.kind === kind).map((f) => f.name);
}
