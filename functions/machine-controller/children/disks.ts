import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import type { Observed } from "../hooks/observed.ts";
import type { Problem } from "../spec/problems.ts";
import type { ResolvedMachine } from "../spec/resolve.ts";
import { desiredDataVolume, sourceAddedToPvc, usesDataVolume } from "./data-volumes.ts";
import { desiredPvc, pvcName } from "./pvcs.ts";

/** Every disk as a PVC child or a VM dataVolumeTemplates entry, and the changes refused. */
export interface DesiredDisks {
  pvcs: KubeObject[];
  /** By disk name, in disk order. */
  dataVolumes: Map<string, Record<string, unknown>>;
  conflicts: Problem[];
}

/** Each disk decided once: a DataVolume when it is (or is to be) one, else a PVC. */
export function desiredDisks(machine: ResolvedMachine, observed: Observed): DesiredDisks {
  const result: DesiredDisks = { pvcs: [], dataVolumes: new Map(), conflicts: [] };
  const { storageClasses, defaultStorageClass: defaultClass } = observed;
  for (const disk of machine.disks) {
    if (usesDataVolume(machine, disk, observed)) {
      const { template, conflict } = desiredDataVolume({ machine, disk, observed });
      result.dataVolumes.set(disk.name, template);
      if (conflict) result.conflicts.push(conflict);
      continue;
    }
    const pvc = observed.pvcs.get(pvcName(machine.name, disk.name));
    const wanted = desiredPvc({ machine, disk, observed: pvc, storageClasses, defaultClass });
    result.pvcs.push(wanted.pvc);
    const conflict = (pvc ? sourceAddedToPvc(machine, disk) : undefined) ?? wanted.conflict;
    if (conflict) result.conflicts.push(conflict);
  }
  return result;
}
