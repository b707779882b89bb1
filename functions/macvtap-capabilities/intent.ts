import { FeatureError } from "../../shared/basics/errors.ts";
import { readSwitch, SWITCH_WORDS } from "../../shared/admission/switch.ts";
import type { Pod } from "../../shared/kube/pod.ts";

export const FEATURE = "macvtap-capabilities";
/**
 * Optional: the pod needs no annotation (a macvtap resource is the ask). `disabled` keeps a
 * macvtap launcher pod unprivileged; users set it on the VM's `spec.template.metadata`, and
 * KubeVirt copies it to the pod.
 */
export const TRIGGER = "vm-feature-manager.io/macvtap-capabilities";

/** Whether the pod's annotation switches the feature off; a value that is no switch is an error. */
export function optedOut(pod: Readonly<Pod>): boolean {
  const raw = pod.metadata?.annotations?.[TRIGGER];
  if (raw === undefined) return false;
  const value = readSwitch(raw);
  if (value) return value === "off";
  throw new FeatureError(`"${raw}" is not a value the annotation accepts`, {
    field: `metadata.annotations["${TRIGGER}"]`,
    fix: `set it to ${SWITCH_WORDS} on the VM's spec.template.metadata.annotations, or remove it`,
  });
}
