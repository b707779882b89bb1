import { FeatureError } from "../../shared/basics/errors.ts";
import type { Pod } from "../../shared/kube/pod.ts";
import { isGuaranteed, withSidecarResources } from "./resources.ts";
import type { Sidecar } from "./sidecar.ts";
import { copyPath } from "../../shared/basics/sharing.ts";

/**
 * The pod with the sidecar appended (to initContainers as a native sidecar, or to containers) and
 * its volumes added: a new object sharing what it does not change. In a Guaranteed pod the
 * sidecar's requests equal its limits; pod-level resources, when set, grow by the sidecar's. A
 * pod volume with a sidecar volume's name is a conflict: the sidecar would mount the wrong volume.
 */
export function inject(pod: Readonly<Pod>, sidecar: Readonly<Sidecar>): Pod {
  const copy = { ...pod } as Pod;
  const spec = copyPath(copy, "spec") as NonNullable<Pod["spec"]>;
  const volumes = spec.volumes ?? [];
  for (const volume of sidecar.volumes) {
    if (volumes.some((v) => v.name === volume.name))
      throw new FeatureError(
        `the pod already has a volume named "${volume.name}", which the metadata sidecar mounts`,
        {
          field: "spec.volumes",
          fix: `rename that volume of the VM, or rename it in the sidecar fragment`,
        },
      );
  }
  const container = isGuaranteed(pod) ? sidecar.guaranteedContainer : sidecar.container;
  if (spec.resources && container.resources)
    spec.resources = withSidecarResources(spec.resources, container.resources);
  spec[sidecar.list] = [...(spec[sidecar.list] ?? []), container];
  spec.volumes = [...volumes, ...sidecar.volumes];
  return copy;
}
