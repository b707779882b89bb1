import { FeatureError } from "../../shared/basics/errors.ts";
import { readSwitch, SWITCH_WORDS } from "../../shared/admission/switch.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";

export const FEATURE = "nested-virt";
export const TRIGGER = "vm-feature-manager.io/nested-virt";

/** What the VM's own annotation asks for. */
export type Intent = { ask: "absent" } | { ask: "off" } | { ask: "on"; flag?: "vmx" | "svm" };

export function readIntent(vm: Readonly<VirtualMachine>): Intent {
  const raw = vm.metadata?.annotations?.[TRIGGER];
  if (raw === undefined) return { ask: "absent" };
  const value = raw.trim().toLowerCase();
  const onOff = readSwitch(value);
  if (onOff) return { ask: onOff };
  if (value === "vmx" || value === "svm") return { ask: "on", flag: value };
  throw new FeatureError(`"${raw}" is not a value the annotation accepts`, {
    field: `metadata.annotations["${TRIGGER}"]`,
    fix: `set it to ${SWITCH_WORDS}, or to vmx or svm to choose the CPU flag`,
  });
}
