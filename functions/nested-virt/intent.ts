import { FeatureError } from "../../shared/admission/errors.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";

export const FEATURE = "nested-virt";
export const TRIGGER = "vm-feature-manager.io/nested-virt";

/** What the VM's own annotation asks for. */
export type Intent = { ask: "absent" } | { ask: "off" } | { ask: "on"; flag?: "vmx" | "svm" };

const ON = ["enabled", "true", "yes", "1"];
const OFF = ["disabled", "false", "no", "0"];

export function readIntent(vm: Readonly<VirtualMachine>): Intent {
  const raw = vm.metadata?.annotations?.[TRIGGER];
  if (raw === undefined) return { ask: "absent" };
  const value = raw.trim().toLowerCase();
  if (ON.includes(value)) return { ask: "on" };
  if (OFF.includes(value)) return { ask: "off" };
  if (value === "vmx" || value === "svm") return { ask: "on", flag: value };
  throw new FeatureError(`"${raw}" is not a value the annotation accepts`, {
    field: `metadata.annotations["${TRIGGER}"]`,
    fix: `set it to enabled or disabled (also true/false, yes/no, 1/0), or to vmx or svm to choose the CPU flag`,
  });
}
