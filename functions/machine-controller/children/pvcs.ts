import type { KubeObject } from "../../../shared/admission/types.ts";
import { LABELS } from "../api.ts";
import { at, childLabels } from "./child.ts";
import type { ResolvedDisk } from "../spec/disk-specs.ts";
import type { ResolvedMachine } from "../spec/resolve.ts";
import { compareQuantities, formatQuantity, parseQuantity } from "../../../shared/kube/quantity.ts";
import type { Problem } from "../spec/problems.ts";
import { problem } from "../spec/problems.ts";

/** `<machine>-<disk>`: at most 63 + 1 + 63 characters, inside a PVC name's 253. */
export function pvcName(machine: string, disk: string): string {
  return `${machine}-${disk}`;
}

interface PvcFields {
  storageClass: string;
  accessMode: string;
  volumeMode: string;
  size: string;
}

/** A PVC as the function asks for it: the four fields it owns, in canonical form. */
function pvc(machine: ResolvedMachine, disk: ResolvedDisk, fields: PvcFields): KubeObject {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: pvcName(machine.name, disk.name),
      namespace: machine.namespace,
      labels: childLabels(machine.name, { [LABELS.disk]: disk.name }),
    },
    spec: {
      accessModes: [fields.accessMode],
      volumeMode: fields.volumeMode,
      storageClassName: fields.storageClass,
      resources: { requests: { storage: fields.size } },
    },
  };
}

export interface DesiredPvc {
  pvc: KubeObject;
  /** A change the PVC cannot take (shrink, immutable field, no expansion): kept as observed. */
  conflict?: Problem;
}

/**
 * The PVC for a disk. A new one is exactly the disk; an existing one keeps its storage class,
 * access and volume modes (immutable), and its size unless the disk grew and its StorageClass
 * allows expansion. Anything refused becomes a condition, never a recreated or shrunk PVC.
 */
export function desiredPvc(
  machine: ResolvedMachine,
  disk: ResolvedDisk,
  observed: KubeObject | undefined,
  storageClasses: Map<string, KubeObject>,
): DesiredPvc {
  const wanted: PvcFields = {
    storageClass: disk.storageClass,
    accessMode: disk.accessMode,
    volumeMode: disk.volumeMode,
    size: formatQuantity(disk.size),
  };
  if (!observed) return { pvc: pvc(machine, disk, wanted) };
  const current = observedFields(observed, wanted);
  const conflict =
    immutableConflict(disk, wanted, current, observed) ??
    sizeConflict(disk, current, observed, storageClasses);
  const size =
    conflict?.reason === "ImmutableFieldChanged"
      ? canonical(current.size)
      : sizeFor(disk, current, observed, storageClasses);
  return { pvc: pvc(machine, disk, { ...current, size }), ...(conflict ? { conflict } : {}) };
}

function observedFields(observed: KubeObject, wanted: PvcFields): PvcFields {
  const modes = at(observed, "spec", "accessModes");
  return {
    storageClass: String(at(observed, "spec", "storageClassName") ?? wanted.storageClass),
    accessMode: Array.isArray(modes) && modes.length ? String(modes[0]) : wanted.accessMode,
    volumeMode: String(at(observed, "spec", "volumeMode") ?? "Filesystem"),
    size: String(at(observed, "spec", "resources", "requests", "storage") ?? wanted.size),
  };
}

const IMMUTABLE = [
  ["storageClass", "storage class"],
  ["accessMode", "access mode"],
  ["volumeMode", "volume mode"],
] as const;

function immutableConflict(
  disk: ResolvedDisk,
  wanted: PvcFields,
  current: PvcFields,
  observed: KubeObject,
): Problem | undefined {
  for (const [key, words] of IMMUTABLE) {
    if (wanted[key] === current[key]) continue;
    return problem(
      "StorageReady",
      "ImmutableFieldChanged",
      `disk ${disk.name} asks for ${words} ${wanted[key]}, but PVC ${observed.metadata?.name} was created with ${current[key]}, which cannot change`,
      {
        field: disk.fields[key],
        fix: `set it back to ${current[key]}, or delete the PVC (its data is lost) so that it is created anew`,
      },
    );
  }
  return undefined;
}

function sizeConflict(
  disk: ResolvedDisk,
  current: PvcFields,
  observed: KubeObject,
  storageClasses: Map<string, KubeObject>,
): Problem | undefined {
  const have = parseQuantity(current.size);
  if (!have) return undefined;
  const name = observed.metadata?.name ?? "";
  const order = compareQuantities(disk.size, have);
  if (order < 0) {
    return problem(
      "StorageReady",
      "DiskShrinkNotAllowed",
      `disk ${disk.name} asks for ${formatQuantity(disk.size)}, but PVC ${name} has ${formatQuantity(have)} and a PVC never shrinks`,
      {
        field: disk.fields.size,
        fix: `set the size to ${formatQuantity(have)} or more`,
      },
    );
  }
  if (order > 0 && !expandable(current.storageClass, storageClasses)) {
    return problem(
      "StorageReady",
      "VolumeExpansionNotAllowed",
      `disk ${disk.name} asks for ${formatQuantity(disk.size)}, but StorageClass ${current.storageClass} of PVC ${name} does not allow volume expansion`,
      {
        field: disk.fields.size,
        fix: `keep ${formatQuantity(have)}, or set allowVolumeExpansion: true on the StorageClass`,
      },
    );
  }
  return undefined;
}

function expandable(storageClass: string, storageClasses: Map<string, KubeObject>): boolean {
  return storageClasses.get(storageClass)?.["allowVolumeExpansion"] === true;
}

/** The size to ask for: the disk's when it grew and may, else the PVC's (in canonical form). */
function sizeFor(
  disk: ResolvedDisk,
  current: PvcFields,
  observed: KubeObject,
  storageClasses: Map<string, KubeObject>,
): string {
  const have = parseQuantity(current.size);
  if (!have) return current.size;
  const grows =
    compareQuantities(disk.size, have) > 0 &&
    !sizeConflict(disk, current, observed, storageClasses);
  return formatQuantity(grows ? disk.size : have);
}

function canonical(size: string): string {
  const parsed = parseQuantity(size);
  return parsed ? formatQuantity(parsed) : size;
}
