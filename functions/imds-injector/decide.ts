import { FeatureError } from "../../shared/basics/errors.ts";
import type { Pod } from "../../shared/kube/pod.ts";
import { podContainers } from "../../shared/kube/pod.ts";
import type { Absent } from "../../shared/kube/reader.ts";
import { ABSENT } from "../../shared/kube/reader.ts";
import {
  DOMAIN_ANNOTATION,
  launcherDomain,
  notLauncherReason,
} from "../../shared/kubevirt/launcher-pod.ts";
import type { VirtualMachineInstance } from "../../shared/kubevirt/types.ts";
import { podNetworkBinding } from "./binding.ts";
import { FEATURE, readIntent, TRIGGER } from "./intent.ts";

/**
 * What to do with a pod, decided from the pod and the VMI once read. The feature's view and its
 * mutation both ask, so the VMI is read exactly when the mutation needs it.
 */
export type Decision =
  | { next: "skip"; reason: string; warning?: string }
  | { next: "read-vmi"; name: string }
  | { next: "inject"; reason: string };

export interface DecideContext {
  namespace: string;
  /** The sidecar container's name: a pod that has it is already injected. */
  sidecarName: string;
  /** undefined until read. */
  vmi?: VirtualMachineInstance | Absent;
}

export function decide(pod: Readonly<Pod>, context: DecideContext): Decision {
  const notLauncher = notLauncherReason(pod);
  if (notLauncher) return { next: "skip", reason: notLauncher };
  const intent = readIntent(pod);
  if (intent !== "on")
    return {
      next: "skip",
      reason: intent === "off" ? `${TRIGGER} is off` : `no ${TRIGGER} annotation`,
    };
  if (podContainers(pod).some(({ container }) => container.name === context.sidecarName))
    return { next: "skip", reason: `the pod already has the ${context.sidecarName} container` };
  const name = launcherDomain(pod);
  if (!name)
    throw new FeatureError("the launcher pod does not name its VirtualMachineInstance", {
      field: `metadata.annotations["${DOMAIN_ANNOTATION}"]`,
      fix: "let virt-controller create launcher pods; it sets the annotation to the VMI's name",
    });
  if (context.vmi === undefined) return { next: "read-vmi", name };
  const vmi = `VirtualMachineInstance ${context.namespace}/${name}`;
  if (context.vmi === ABSENT)
    throw new FeatureError(`${vmi}, which the pod runs, does not exist`, {
      field: `metadata.annotations["${DOMAIN_ANNOTATION}"]`,
      fix: "create the VM through KubeVirt (virt-controller creates its pod once the VMI exists)",
    });
  const binding = podNetworkBinding(context.vmi.spec);
  if (!binding.supported) {
    const warning =
      `${FEATURE}: not injected: ${binding.reason} (field spec.domain.devices.interfaces of ${vmi}). ` +
      `Fix: use masquerade or bridge binding on the pod network for instance metadata, or remove the ${TRIGGER} annotation`;
    return { next: "skip", reason: binding.reason, warning };
  }
  return { next: "inject", reason: `${binding.binding} binding on network ${binding.network}` };
}
