import { isDeepStrictEqual } from "node:util";
import { formatQuantity } from "../../../shared/kube/quantity.ts";
import type { DiskSource } from "../api.ts";
import { LABELS } from "../api.ts";
import type { Observed } from "../hooks/observed.ts";
import type { ResolvedDisk } from "../spec/disk-specs.ts";
import type { Problem } from "../spec/problems.ts";
import { problem } from "../spec/problems.ts";
import type { ResolvedMachine } from "../spec/resolve.ts";
import { asObserved, at, childLabels } from "./child.ts";
import { pvcName } from "./pvcs.ts";

type Json = Record<string, unknown>;

/** What one disk's DataVolume is decided from. */
export interface DataVolumeContext {
  machine: ResolvedMachine;
  disk: ResolvedDisk;
  observed: Observed;
}

/** The VM's dataVolumeTemplates entry for a disk, and the change it refuses, if any. */
export interface DesiredDataVolume {
  template: Json;
  conflict?: Problem;
}

/** The entries of the observed VM's spec.dataVolumeTemplates, by name, as last applied. */
function observedTemplates(observed: Observed): Map<string, Json> {
  const list = at(observed.vm ? asObserved(observed.vm) : undefined, "spec", "dataVolumeTemplates");
  const entries = (Array.isArray(list) ? list : []) as Json[];
  return new Map(entries.map((entry) => [String(at(entry, "metadata", "name") ?? ""), entry]));
}

/**
 * Whether a disk is a DataVolume: what exists decides (a PVC stays a PVC, an imported disk stays
 * imported, so that no change of `source` ever recreates a disk), and a new disk has one when it
 * has a source.
 */
export function usesDataVolume(
  machine: ResolvedMachine,
  disk: ResolvedDisk,
  observed: Observed,
): boolean {
  const name = pvcName(machine.name, disk.name);
  if (observed.pvcs.has(name)) return false;
  if (observed.dataVolumes.has(name) || observedTemplates(observed).has(name)) return true;
  return disk.source !== undefined;
}

/** How messages name a source: `registry docker://...`, `pvc ns/name`, `blank`. */
export function describeSource(source: unknown): string {
  const http = at(source, "http", "url");
  const registry = at(source, "registry", "url");
  if (typeof http === "string") return `http ${http}`;
  if (typeof registry === "string") return `registry ${registry}`;
  if (at(source, "pvc") !== undefined)
    return `pvc ${String(at(source, "pvc", "namespace"))}/${String(at(source, "pvc", "name"))}`;
  return at(source, "blank") !== undefined ? "blank" : "no source";
}

function template(context: DataVolumeContext, source: DiskSource, storageClass: string): Json {
  const { machine, disk } = context;
  return {
    metadata: {
      name: pvcName(machine.name, disk.name),
      labels: childLabels(machine.name, { [LABELS.disk]: disk.name }),
    },
    spec: {
      source,
      storage: {
        accessModes: [disk.accessMode],
        volumeMode: disk.volumeMode,
        storageClassName: storageClass,
        resources: { requests: { storage: formatQuantity(disk.size) } },
      },
    },
  };
}

/**
 * The dataVolumeTemplates entry: new, exactly the disk; once it exists, kept as the VM holds it (or,
 * before the VM says, with the DataVolume's source), and a changed source, size, class or mode is a
 * condition, never a disk imported anew.
 */
export function desiredDataVolume(context: DataVolumeContext): DesiredDataVolume {
  const { machine, disk, observed } = context;
  const name = pvcName(machine.name, disk.name);
  const inVm = observedTemplates(observed).get(name);
  const dataVolume = observed.dataVolumes.get(name);
  const wanted = template(context, disk.source ?? {}, classOf(context, inVm ?? dataVolume));
  if (!inVm && !dataVolume) return { template: wanted };
  const source = at(inVm ?? dataVolume, "spec", "source");
  const changed = sourceChanged(context, name, source);
  if (changed) return { template: inVm ?? withSource(wanted, source), conflict: changed };
  const storage =
    inVm &&
    storageChanged(context, name, at(wanted, "spec", "storage"), at(inVm, "spec", "storage"));
  return storage ? { template: inVm, conflict: storage } : { template: wanted };
}

/** The disk's class, else the one it was made with, else the cluster's default. */
function classOf({ disk, observed }: DataVolumeContext, made: unknown): string {
  const kept = at(made, "spec", "storage", "storageClassName");
  if (disk.storageClass !== undefined) return disk.storageClass;
  return typeof kept === "string" ? kept : (observed.defaultStorageClass ?? "");
}

function withSource(entry: Json, source: unknown): Json {
  return { ...entry, spec: { ...(entry["spec"] as Json), source } };
}

function sourceChanged(
  context: DataVolumeContext,
  name: string,
  was: unknown,
): Problem | undefined {
  const { disk } = context;
  if (isDeepStrictEqual(disk.source ?? {}, was)) return undefined;
  return problem(
    "StorageReady",
    "DiskSourceChanged",
    `disk ${disk.name} asks for ${describeSource(disk.source)}, but DataVolume ${name} was filled from ${describeSource(was)}, and a disk's source cannot change`,
    {
      field: disk.fields.source,
      fix: `set the source back, or delete DataVolume ${name} (its data is lost) so that the disk is imported anew`,
    },
  );
}

function storageChanged(
  context: DataVolumeContext,
  name: string,
  wanted: unknown,
  was: unknown,
): Problem | undefined {
  if (isDeepStrictEqual(wanted, was)) return undefined;
  const { disk } = context;
  return problem(
    "StorageReady",
    "ImmutableFieldChanged",
    `disk ${disk.name} asks for ${JSON.stringify(wanted)}, but DataVolume ${name} was created with ${JSON.stringify(was)}, which cannot change`,
    {
      field: `spec.disks (disk ${disk.name})`,
      fix: `set its size, storageClass, accessMode and volumeMode back, or delete DataVolume ${name} (its data is lost) so that it is created anew`,
    },
  );
}

/** A disk given a source after its PVC was made empty: the PVC stays, the source is refused. */
export function sourceAddedToPvc(
  machine: ResolvedMachine,
  disk: ResolvedDisk,
): Problem | undefined {
  if (disk.source === undefined) return undefined;
  const name = pvcName(machine.name, disk.name);
  return problem(
    "StorageReady",
    "DiskSourceChanged",
    `disk ${disk.name} asks for ${describeSource(disk.source)}, but PVC ${name} was created empty, and a disk's source cannot change`,
    {
      field: disk.fields.source,
      fix: `remove the source, or delete PVC ${name} (its data is lost) so that the disk is imported anew`,
    },
  );
}
