import type { Declaration } from "./declaration.ts";

/**
 * What a function is: admission (a mutating webhook around a Feature), a controller (Metacontroller
 * hooks), a node agent (a DaemonSet that publishes what its node has) or a sidecar (a container
 * another function injects, with an entry point of its own rather than a target of main.ts).
 */
export type FunctionKind = "admission" | "controller" | "node-agent" | "sidecar";

/** One function, declared once: everything else that lists functions derives from this entry. */
export interface FunctionEntry {
  /** kebab-case: its folder, its FUNCTION_TARGET, its Knative Service and its docs page. */
  name: string;
  kind: FunctionKind;
  /**
   * Its folder's declaration.ts (Feature, bench input, reliability line), imported only by the
   * tools that need it: a function's cold start loads the registry, never the declarations.
   */
  declaration: () => Promise<{ declaration: Declaration }>;
}

const entry = (
  name: string,
  kind: FunctionKind,
  declaration: FunctionEntry["declaration"],
): FunctionEntry => ({ name, kind, declaration });

/** Every function; the admission ones in the order their webhooks run. */
export const FUNCTIONS: readonly FunctionEntry[] = [
  entry("nested-virt", "admission", () => import("./nested-virt/declaration.ts")),
  entry("cpu-labeller", "node-agent", () => import("./cpu-labeller/declaration.ts")),
  entry("pci-passthrough", "admission", () => import("./pci-passthrough/declaration.ts")),
  entry("gpu-device-plugin", "admission", () => import("./gpu-device-plugin/declaration.ts")),
  entry("vbios-injection", "admission", () => import("./vbios-injection/declaration.ts")),
  entry("macvtap-capabilities", "admission", () => import("./macvtap-capabilities/declaration.ts")),
  entry("imds-injector", "admission", () => import("./imds-injector/declaration.ts")),
  entry("machine-controller", "controller", () => import("./machine-controller/declaration.ts")),
  entry("imds-server", "sidecar", () => import("./imds-server/declaration.ts")),
];

/** The names of the functions of one kind, in FUNCTIONS' order. */
export function namesOf(kind: FunctionKind): string[] {
  return FUNCTIONS.filter((f) => f.kind === kind).map((f) => f.name);
}

/** The functions main.ts serves (every kind but sidecars), in FUNCTIONS' order. */
export function servedNames(): string[] {
  return FUNCTIONS.filter((f) => f.kind !== "sidecar").map((f) => f.name);
}
