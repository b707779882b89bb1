import type { Pod } from "../../shared/kube/pod.ts";
import { podContainers } from "../../shared/kube/pod.ts";

const MACVTAP = "macvtap";
/** Multus's annotations (`k8s.v1.cni.cncf.io/networks`, ...): where a pod names its networks. */
export const CNI_ANNOTATION_PREFIX = "k8s.v1.cni.cncf.io/";

/**
 * Why the pod needs macvtap's privileges, or undefined when it does not: a container requests or
 * limits a resource whose name contains `macvtap` (KubeVirt asks for the network's
 * `macvtap.network.kubevirt.io/<interface>` on the compute container), or a Multus annotation
 * mentions macvtap. Matching is case-sensitive, as the webhook's matchConditions are.
 */
export function macvtapReason(pod: Readonly<Pod>): string | undefined {
  for (const { container } of podContainers(pod)) {
    for (const field of ["requests", "limits"] as const) {
      const resource = Object.keys(container.resources?.[field] ?? {}).find((name) =>
        name.includes(MACVTAP),
      );
      if (resource) return `container ${container.name} ${field} ${resource}`;
    }
  }
  const annotation = Object.entries(pod.metadata?.annotations ?? {}).find(
    ([key, value]) => key.startsWith(CNI_ANNOTATION_PREFIX) && value.includes(MACVTAP),
  );
  return annotation ? `annotation ${annotation[0]} mentions ${MACVTAP}` : undefined;
}
