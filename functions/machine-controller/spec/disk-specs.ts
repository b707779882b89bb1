import type {
  AccessMode,
  DiskSource,
  DiskSpec,
  DiskType,
  MachineSpec,
  VolumeMode,
} from "../api.ts";
import type { Problem } from "./problems.ts";
import { problem } from "./problems.ts";
import type { Quantity } from "../../../shared/kube/quantity.ts";
import { formatQuantity, parseQuantity } from "../../../shared/kube/quantity.ts";
import { CLOUD_INIT_VOLUME, DISK_DEFAULTS, ROOT_DISK, TEMPLATES } from "./templates.ts";
import { invalid, invalidQuantity } from "./validate.ts";

/** A disk after the template and spec.disks are merged: what its PVC must be. */
export interface ResolvedDisk {
  name: string;
  size: Quantity;
  /** Undefined: the cluster's default class (or, once the PVC exists, the PVC's own). */
  storageClass: string | undefined;
  accessMode: AccessMode;
  volumeMode: VolumeMode;
  type: DiskType;
  /** What CDI fills the disk with (a DataVolume); undefined: an empty PVC. */
  source: DiskSource | undefined;
  /** Where each value came from, for messages: `spec.disks[0].size`, or `spec.template`. */
  fields: Record<"size" | "storageClass" | "accessMode" | "volumeMode" | "source", string>;
}

/** The root disk first (the template's, overridden by spec.disks[root]), then the rest in order. */
export function resolveDisks(spec: MachineSpec): ResolvedDisk[] | Problem {
  const disks = spec.disks ?? [];
  const clash = duplicateOrReserved(disks);
  if (clash) return clash;
  const rootIndex = disks.findIndex((d) => d.name === ROOT_DISK);
  const root = { name: ROOT_DISK, size: TEMPLATES[spec.template].rootDisk, ...disks[rootIndex] };
  const entries = [
    { disk: root, index: rootIndex < 0 ? undefined : rootIndex },
    ...disks.map((disk, index) => ({ disk, index })).filter(({ disk }) => disk.name !== ROOT_DISK),
  ];
  const resolved: ResolvedDisk[] = [];
  for (const { disk, index } of entries) {
    const one = resolveDisk(disk, index, spec);
    if ("reason" in one) return one;
    resolved.push(one);
  }
  return resolved;
}

function duplicateOrReserved(disks: readonly DiskSpec[]): Problem | undefined {
  const seen = new Set<string>();
  for (const [index, { name }] of disks.entries()) {
    const field = `spec.disks[${index}].name`;
    if (seen.has(name)) {
      return problem("StorageReady", "DuplicateDiskName", `two disks are named ${name}`, {
        field,
        fix: "give every disk its own name",
      });
    }
    if (name === CLOUD_INIT_VOLUME)
      return invalid(field, `${name} is the cloud-init disk's name`, "rename the disk");
    seen.add(name);
  }
  return undefined;
}

function resolveDisk(
  disk: DiskSpec,
  index: number | undefined,
  spec: MachineSpec,
): ResolvedDisk | Problem {
  const from = origin(index, spec);
  if (disk.size === undefined)
    return invalid(from("size"), `disk ${disk.name} has no size`, "set its size, e.g. 100Gi");
  const size = parseQuantity(disk.size);
  if (!size || size.nanos <= 0n) return invalidQuantity(from("size"), JSON.stringify(disk.size));
  if (disk.name === ROOT_DISK && disk.type === "cdrom")
    return invalid(
      from("type"),
      "the root disk cannot be a cdrom",
      "add the cdrom as another disk",
    );
  const sources = Object.keys(disk.source ?? { one: true });
  if (sources.length !== 1)
    return invalid(
      from("source"),
      `the source of disk ${disk.name} sets ${sources.join(" and ") || "nothing"}`,
      "set exactly one of http, registry, pvc and blank",
    );
  return {
    ...withDefaults(disk),
    size,
    fields: {
      size: from("size"),
      storageClass: from("storageClass"),
      accessMode: from("accessMode"),
      volumeMode: from("volumeMode"),
      source: from("source"),
    },
  };
}

/** Where a disk's value is written: its spec.disks entry, or (for root) the template. */
function origin(index: number | undefined, spec: MachineSpec): (key: string) => string {
  const entry = index === undefined ? undefined : spec.disks?.[index];
  return (key) =>
    entry && (key in entry || entry.name !== ROOT_DISK)
      ? `spec.disks[${index}].${key}`
      : "spec.template";
}

function withDefaults(disk: DiskSpec): Omit<ResolvedDisk, "size" | "fields"> {
  return {
    name: disk.name,
    storageClass: disk.storageClass,
    accessMode: disk.accessMode ?? DISK_DEFAULTS.accessMode,
    volumeMode: disk.volumeMode ?? DISK_DEFAULTS.volumeMode,
    type: disk.type ?? "disk",
    source: disk.source,
  };
}

/** The PVC size as the API server prints it. */
export function diskSize(disk: ResolvedDisk): string {
  return formatQuantity(disk.size);
}
