import type { KubeObject } from "../basics/kube-object.ts";
import { copyPath } from "../basics/sharing.ts";

// The parts of a core v1 Pod the Pod functions read or change, with Kubernetes' field names.
// Everything else passes through as unknown JSON.

/** Resource name to quantity, as the API serves it: `cpu: 100m`, `memory: 1Gi`. */
export type ResourceList = Record<string, string>;

/** A container's resource requests and limits. */
export interface ResourceRequirements {
  requests?: ResourceList;
  limits?: ResourceList;
  [key: string]: unknown;
}

/** A container's security context, as far as the functions set it. */
export interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  [key: string]: unknown;
}

/** A container's volume mount. */
export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  [key: string]: unknown;
}

/** A container of a pod spec. */
export interface Container {
  name: string;
  image?: string;
  /** `Always` on an init container makes it a native sidecar (Kubernetes >= 1.29). */
  restartPolicy?: string;
  resources?: ResourceRequirements;
  securityContext?: SecurityContext;
  volumeMounts?: VolumeMount[];
  [key: string]: unknown;
}

/** A volume of a pod spec. */
export interface Volume {
  name: string;
  [key: string]: unknown;
}

/** A pod spec, as far as the functions read or change it. */
export interface PodSpec {
  initContainers?: Container[];
  containers?: Container[];
  volumes?: Volume[];
  /** Pod-level requests and limits (Kubernetes >= 1.32, feature PodLevelResources). */
  resources?: ResourceRequirements;
  [key: string]: unknown;
}

/** A Pod. */
export interface Pod extends KubeObject {
  spec?: PodSpec;
}

/** The admission kind of a Pod: the core group has no name. */
export const POD_KIND = { group: "", kind: "Pod" } as const;

/** The pod spec's two lists of containers. */
export type ContainerList = "initContainers" | "containers";

/** A container and where it sits in the pod spec. */
export interface PlacedContainer {
  list: ContainerList;
  index: number;
  container: Readonly<Container>;
}

/** Every init container, then every container, with where it sits (ephemeral ones never at CREATE). */
export function podContainers(pod: Readonly<Pod>): PlacedContainer[] {
  return (["initContainers", "containers"] as const).flatMap((list) =>
    (pod.spec?.[list] ?? []).map((container, index) => ({ list, index, container })),
  );
}

/**
 * The pod with `change` applied to every init container and container: a new object sharing the
 * rest with `pod`. `change` returns a new container (or the one it was given), never changes it.
 */
export function mapContainers(
  pod: Readonly<Pod>,
  change: (container: Readonly<Container>, placed: PlacedContainer) => Container,
): Pod {
  const copy = { ...pod } as Pod;
  const spec = copyPath(copy, "spec") as NonNullable<Pod["spec"]>;
  for (const list of ["initContainers", "containers"] as const) {
    const containers = spec[list];
    if (containers)
      spec[list] = containers.map((container, index) =>
        change(container, { list, index, container }),
      );
  }
  return copy;
}

/** `fields` of every init container and container, as a feature declares what it reads. */
export function containerFields(fields: readonly string[]): string[] {
  return (["initContainers", "containers"] as const).flatMap((list) =>
    fields.map((field) => `spec.${list}[].${field}`),
  );
}
