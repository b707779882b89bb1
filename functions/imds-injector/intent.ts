import { FeatureError } from "../../shared/basics/errors.ts";
import { readSwitch, SWITCH_WORDS } from "../../shared/admission/switch.ts";
import type { Pod } from "../../shared/kube/pod.ts";

export const FEATURE = "imds-injector";
/** Set on the VM's `spec.template.metadata.annotations`; KubeVirt copies it to the launcher pod. */
export const TRIGGER = "imds.kubevirt.io/enabled";

/** What the pod's annotation asks for; a value that is no switch is an error. */
export function readIntent(pod: Readonly<Pod>): "absent" | "on" | "off" {
  const raw = pod.metadata?.annotations?.[TRIGGER];
  if (raw === undefined) return "absent";
  const value = readSwitch(raw);
  if (value) return value;
  throw new FeatureError(`"${raw}" is not a value the annotation accepts`, {
    field: `metadata.annotations["${TRIGGER}"]`,
    fix: `set it to "true" (or ${SWITCH_WORDS}) on the VM's spec.template.metadata.annotations`,
  });
}
