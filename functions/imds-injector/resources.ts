import type { Container, Pod, ResourceList, ResourceRequirements } from "../../shared/kube/pod.ts";
import { podContainers } from "../../shared/kube/pod.ts";
import {
  addQuantities,
  formatQuantity,
  readQuantity,
  sameQuantity,
} from "../../shared/kube/quantity.ts";
import { cloneJson } from "../../shared/admission/patch.ts";

/** The resources Kubernetes' QoS classes are decided on. */
const QOS_RESOURCES = ["cpu", "memory"] as const;

/**
 * Whether the pod is in the Guaranteed QoS class, as the kubelet decides it: pod-level resources
 * when the pod sets them, else every init container and container limits CPU and memory and
 * requests the same (a missing request defaults to the limit). KubeVirt makes dedicated-CPU VMs
 * Guaranteed, and the CPU manager pins only those.
 */
export function isGuaranteed(pod: Readonly<Pod>): boolean {
  if (pod.spec?.resources) return requestsEqualLimits(pod.spec.resources);
  const containers = podContainers(pod);
  return (
    containers.length > 0 && containers.every((c) => requestsEqualLimits(c.container.resources))
  );
}

function requestsEqualLimits(resources: Readonly<ResourceRequirements> | undefined): boolean {
  return QOS_RESOURCES.every((name) => {
    const limit = resources?.limits?.[name];
    return limit !== undefined && sameQuantity(resources?.requests?.[name] ?? limit, limit);
  });
}

/**
 * The sidecar's resources for a Guaranteed pod: requests equal limits for CPU and memory, each the
 * fragment's limit where it sets one and its request otherwise, so the pod stays Guaranteed.
 */
export function guaranteedResources(container: Readonly<Container>): ResourceRequirements {
  const resources = cloneJson(container.resources ?? {});
  const requests: ResourceList = { ...resources.requests };
  const limits: ResourceList = { ...resources.limits };
  for (const name of QOS_RESOURCES) {
    const amount = limits[name] ?? requests[name];
    if (amount === undefined) continue;
    requests[name] = amount;
    limits[name] = amount;
  }
  return { ...resources, requests, limits };
}

/**
 * Pod-level resources grown by the sidecar's, for a pod that sets them: each resource the pod
 * requests (or limits) grows by the sidecar's request (or its limit, else its request), so the
 * pod still holds every container's requests and keeps its QoS class.
 */
export function withSidecarResources(
  pod: Readonly<ResourceRequirements>,
  sidecar: Readonly<ResourceRequirements>,
): ResourceRequirements {
  const grown = cloneJson(pod) as ResourceRequirements;
  for (const field of ["requests", "limits"] as const) {
    const list = grown[field];
    if (!list) continue;
    for (const [name, amount] of Object.entries(list)) {
      const extra = sidecar[field]?.[name] ?? sidecar.requests?.[name];
      if (extra !== undefined) list[name] = add(amount, extra, `spec.resources.${field}.${name}`);
    }
  }
  return grown;
}

function add(a: string, b: string, field: string): string {
  return formatQuantity(addQuantities(readQuantity(a, field), readQuantity(b, field)));
}
