import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import { LABELS } from "../api.ts";
import { at, childLabels } from "./child.ts";
import type { ResolvedDisk } from "../spec/disk-specs.ts";
import type { ResolvedMachine } from "../spec/resolve.ts";
import type { Quantity } from "../../../shared/kube/quantity.ts";
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

/** What one disk's PVC is decided from. */
export interface PvcContext {
  machine: ResolvedMachine;
  disk: ResolvedDisk;
  /** The PVC as observed; undefined until it exists. */
  observed: KubeObject | undefined;
  storageClasses: Map<string, KubeObject>;
  /** The class of a disk that names none, for a PVC still to be created. */
  defaultClass: string | undefined;
}

/**
 * The PVC for a disk. A new one is exactly the disk; an existing one keeps its storage class,
 * access and volume modes (immutable), and its size unless the disk grew and its StorageClass
 * allows expansion. Anything refused becomes a condition, never a recreated or shrunk PVC.
 */
export function desiredPvc(context: PvcContext): DesiredPvc {
  const { machine, disk, observed } = context;
  const wanted: PvcFields = {
    storageClass: disk.storageClass ?? context.defaultClass ?? "",
    accessMode: disk.accessMode,
    volumeMode: disk.volumeMode,
    size: formatQuantity(disk.size),
  };
  if (!observed) return { pvc: pvc(machine, disk, wanted) };
  const current = observedFields(observed, wanted);
  // A disk that names no class keeps the one its PVC was created with.
  if (disk.storageClass === undefined) wanted.storageClass = current.storageClass;
  const { size, conflict } = decide(context, wanted, current);
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

interface Decision {
  size: string;
  conflict?: Problem;
}

/** The one decision per existing PVC: the size to ask for, and the change it refuses, if any. */
function decide(context: PvcContext, wanted: PvcFields, current: PvcFields): Decision {
  const kept = canonical(current.size);
  const immutable = immutableConflict(context, wanted, current);
  if (immutable) return { size: kept, conflict: immutable };
  const have = parseQuantity(current.size);
  const order = have ? compareQuantities(context.disk.size, have) : 0;
  if (!have || order === 0) return { size: kept };
  if (order < 0) return { size: kept, conflict: shrinks(context, have) };
  if (!expandable(current.storageClass, context.storageClasses))
    return { size: kept, conflict: cannotExpand(context, current.storageClass, have) };
  return { size: formatQuantity(context.disk.size) };
}

const IMMUTABLE = [
  ["storageClass", "storage class"],
  ["accessMode", "access mode"],
  ["volumeMode", "volume mode"],
] as const;

function immutableConflict(
  { disk, observed }: PvcContext,
  wanted: PvcFields,
  current: PvcFields,
): Problem | undefined {
  for (const [key, words] of IMMUTABLE) {
    if (wanted[key] === current[key]) continue;
    return problem(
      "StorageReady",
      "ImmutableFieldChanged",
      `disk ${disk.name} asks for ${words} ${wanted[key]}, but PVC ${observed?.metadata?.name} was created with ${current[key]}, which cannot change`,
      {
        field: disk.fields[key],
        fix: `set it back to ${current[key]}, or delete the PVC (its data is lost) so that it is created anew`,
      },
    );
  }
  return undefined;
}

function shrinks({ disk, observed }: PvcContext, have: Quantity): Problem {
  return problem(
    "StorageReady",
    "DiskShrinkNotAllowed",
    `disk ${disk.name} asks for ${formatQuantity(disk.size)}, but PVC ${observed?.metadata?.name ?? ""} has ${formatQuantity(have)} and a PVC never shrinks`,
    {
      field: disk.fields.size,
      fix: `set the size to ${formatQuantity(have)} or more`,
    },
  );
}

function cannotExpand(
  { disk, observed }: PvcContext,
  storageClass: string,
  have: Quantity,
): Problem {
  return problem(
    "StorageReady",
    "VolumeExpansionNotAllowed",
    `disk ${disk.name} asks for ${formatQuantity(disk.size)}, but StorageClass ${storageClass} of PVC ${observed?.metadata?.name ?? ""} does not allow volume expansion`,
    {
      field: disk.fields.size,
      fix: `keep ${formatQuantity(have)}, or set allowVolumeExpansion: true on the StorageClass`,
    },
  );
}

function expandable(storageClass: string, storageClasses: Map<string, KubeObject>): boolean {
  return storageClasses.get(storageClass)?.["allowVolumeExpansion"] === true;
}

function canonical(size: string): string {
  const parsed = parseQuantity(size);
  return parsed ? formatQuantity(parsed) : size;
}
