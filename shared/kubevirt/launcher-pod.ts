import type { Pod } from "../kube/pod.ts";

// What virt-controller puts on every virt-launcher pod it creates
// (kubevirt/kubevirt pkg/virt-controller/services/template.go: podLabels, generatePodAnnotations).

/** `kubevirt.io: virt-launcher`: KubeVirt's app label, the webhooks' objectSelector. */
export const LAUNCHER_LABEL = { key: "kubevirt.io", value: "virt-launcher" } as const;
/** The VMI's name; the VMI lives in the pod's namespace. */
export const DOMAIN_ANNOTATION = "kubevirt.io/domain";

/** Whether the pod is a virt-launcher pod (KubeVirt's label says so). */
export function isLauncherPod(pod: Readonly<Pod>): boolean {
  return pod.metadata?.labels?.[LAUNCHER_LABEL.key] === LAUNCHER_LABEL.value;
}

/**
 * Why a Pod function leaves this pod alone because it is no launcher pod, or undefined when it is
 * one. The webhooks' objectSelector already filters on the label; the functions check it again so
 * that no configuration mistake can make an ordinary pod privileged or give it a sidecar.
 */
export function notLauncherReason(pod: Readonly<Pod>): string | undefined {
  return isLauncherPod(pod)
    ? undefined
    : `the pod is not a KubeVirt launcher pod (no label ${LAUNCHER_LABEL.key}=${LAUNCHER_LABEL.value})`;
}

/** The name of the VMI the launcher pod runs, from its `kubevirt.io/domain` annotation. */
export function launcherDomain(pod: Readonly<Pod>): string | undefined {
  const domain = pod.metadata?.annotations?.[DOMAIN_ANNOTATION]?.trim();
  return domain ? domain : undefined;
}
