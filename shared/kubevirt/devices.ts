import { FeatureError } from "../basics/errors.ts";
import { aliasSafe } from "./resource-name.ts";
import type { DeviceEntry, VirtualMachine, VmiSpec } from "./types.ts";
import { copyPath } from "../basics/sharing.ts";
import { sameQuantity } from "../kube/quantity.ts";

/** A device a feature wants in `hostDevices[]` or `gpus[]`: KubeVirt's `{name, deviceName}`. */
export interface WantedDevice {
  name: string;
  deviceName: string;
}

/** Device entries after a merge, and what was added to them. */
export interface DeviceMerge {
  /** The existing entries, untouched and in order, then the added ones. */
  entries: DeviceEntry[];
  /** For each wanted device, in order, the entry that serves it (an existing one or an added one). */
  serving: WantedDevice[];
}

/**
 * Adds the wanted devices to a `hostDevices[]`/`gpus[]` list without duplicating any. A wanted
 * device is served, in this order, by an existing entry of the same name (which must name the
 * same resource), else by an existing entry of the same resource that no other wanted device
 * takes, else by a new entry. Entries of one resource are interchangeable: KubeVirt requests the
 * resource once per entry and the device plugin picks which device backs each, so a VM that
 * Harvester (or a person) already gave the device under another name needs no second entry.
 * Existing entries are never changed or removed.
 */
export function mergeDevices(
  existing: readonly DeviceEntry[],
  wanted: readonly WantedDevice[],
  field: string,
): DeviceMerge {
  requireDistinctNames(wanted, field);
  const taken = new Set<number>();
  const byName = wanted.map((w) => existingByName(existing, w, field, taken));
  const added: DeviceEntry[] = [];
  const serving = wanted.map((w, i) => {
    const found = byName[i] ?? existingByResource(existing, w, taken);
    if (found) return { name: found.name, deviceName: w.deviceName };
    added.push({ name: w.name, deviceName: w.deviceName });
    return w;
  });
  return { entries: [...existing, ...added], serving };
}

function existingByName(
  existing: readonly DeviceEntry[],
  wanted: WantedDevice,
  field: string,
  taken: Set<number>,
): DeviceEntry | undefined {
  const index = existing.findIndex((e) => e.name === wanted.name);
  const found = existing[index];
  if (!found) return undefined;
  if (found.deviceName !== wanted.deviceName) {
    throw new FeatureError(
      `${field} already has an entry named "${wanted.name}" for ${found.deviceName ?? "no deviceName"}, so ${wanted.deviceName} cannot use that name`,
      { field, fix: `rename or remove the "${wanted.name}" entry` },
    );
  }
  taken.add(index);
  return found;
}

function existingByResource(
  existing: readonly DeviceEntry[],
  wanted: WantedDevice,
  taken: Set<number>,
): DeviceEntry | undefined {
  const index = existing.findIndex((e, i) => !taken.has(i) && e.deviceName === wanted.deviceName);
  if (index < 0) return undefined;
  taken.add(index);
  return existing[index];
}

function requireDistinctNames(wanted: readonly WantedDevice[], field: string): void {
  const seen = new Map<string, string>();
  for (const w of wanted) {
    const other = seen.get(w.name);
    if (other !== undefined) {
      throw new FeatureError(
        `${other} and ${w.deviceName} would both get the entry name "${w.name}" in ${field}`,
        { field, fix: "list only one of them" },
      );
    }
    seen.set(w.name, w.deviceName);
  }
}

/**
 * The `hostDevices[]` name of a host PCI device: Harvester's PCIDevice name, `<node>-<address
 * without : and .>` (`worker-1-000065000`), so that VMs made here and by Harvester's UI name a
 * device alike. Characters libvirt refuses in aliases (a dotted node name) become `-`.
 */
export function hostDeviceName(node: string, address: string): string {
  return aliasSafe(`${node}-${address.replace(/[:.]/g, "")}`);
}

const RESOURCES_FIELD = "spec.template.spec.domain.resources";

/**
 * KubeVirt requests a device's resource once per `hostDevices`/`gpus` entry, but a value the VM
 * itself sets in `domain.resources` for that resource replaces the count (virt-controller copies
 * the VM's own limits and requests over the computed ones). A value that differs from the number
 * of entries leaves devices without a resource to back them, or reserves devices nobody attaches.
 */
export function checkDeviceResources(
  spec: Readonly<VmiSpec>,
  resourceNames: readonly string[],
): void {
  const { devices = {}, resources = {} } = spec.domain ?? {};
  const entries = [...(devices.hostDevices ?? []), ...(devices.gpus ?? [])];
  for (const resource of new Set(resourceNames)) {
    const count = entries.filter((e) => e.deviceName === resource).length;
    for (const kind of ["limits", "requests"] as const)
      checkOwnValue(kind, resource, resources[kind]?.[resource], count);
  }
}

function checkOwnValue(
  kind: "limits" | "requests",
  resource: string,
  value: string | undefined,
  count: number,
): void {
  if (value === undefined || sameQuantity(value, count)) return;
  throw new FeatureError(
    `${kind}["${resource}"] is ${JSON.stringify(value)}, but the VM lists ${count} device entries of it; KubeVirt requests one per entry and the VM's own value overrides that count`,
    {
      field: `${RESOURCES_FIELD}.${kind}`,
      fix: `remove ${resource} from ${RESOURCES_FIELD}.${kind} (KubeVirt adds the request itself), or set it to ${count}`,
    },
  );
}

/** A copy of the VM whose `hostDevices` or `gpus` also serve the wanted devices (see mergeDevices). */
export function withDevices(
  vm: Readonly<VirtualMachine>,
  kind: "hostDevices" | "gpus",
  wanted: readonly WantedDevice[],
): { vm: VirtualMachine; serving: WantedDevice[] } {
  const copy = { ...vm } as VirtualMachine;
  const devices = copyPath(copy, "spec", "template", "spec", "domain", "devices");
  const existing = (devices[kind] ?? []) as DeviceEntry[];
  const merge = mergeDevices(existing, wanted, `${DEVICES_FIELD}.${kind}`);
  devices[kind] = merge.entries;
  return { vm: copy, serving: merge.serving };
}

const DEVICES_FIELD = "spec.template.spec.domain.devices";

/** The VM's `spec.template.spec`, created on the VM when missing: pass the caller's own copy. */
export function templateSpec(vm: VirtualMachine): VmiSpec {
  const template = ((vm.spec ??= {}).template ??= {});
  return (template.spec ??= {});
}
