import { readdir, readFile, readlink } from "node:fs/promises";
import { basename, join } from "node:path";
import { FeatureError } from "../../shared/basics/errors.ts";
import type { PciRecord } from "../../shared/pci-inventory.ts";
import { PCI_ADDRESS } from "../../shared/pci-inventory.ts";

/** Where sysfs lists every PCI function of the host, one symlink per address. */
export function pciDevicesPath(sysRoot: string): string {
  return join(sysRoot, "bus", "pci", "devices");
}

/**
 * The node's PCI inventory from `<sysRoot>/bus/pci/devices`: for each `DDDD:BB:DD.F` entry its
 * `vendor`, `device` and `class` files and the last path part of its `driver` and `iommu_group`
 * symlinks, read as KubeVirt's device manager reads them. No directory means a kernel without a
 * PCI bus: an empty inventory. A device that disappears while being read (hot unplug) is left
 * out; anything else that cannot be read is an error, so that no partial inventory is published.
 */
export async function readPciInventory(sysRoot: string): Promise<PciRecord[]> {
  const dir = pciDevicesPath(sysRoot);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (codeOf(error) === "ENOENT") return [];
    throw unreadable(dir, error);
  }
  const records: PciRecord[] = [];
  for (const name of names.filter((n) => PCI_ADDRESS.test(n)).sort()) {
    const record = await readDevice(join(dir, name), name);
    if (record) records.push(record);
  }
  return records;
}

async function readDevice(path: string, address: string): Promise<PciRecord | undefined> {
  try {
    const [vendor, device, pciClass, driver, iommuGroup] = await Promise.all([
      readHex(join(path, "vendor"), 4),
      readHex(join(path, "device"), 4),
      readHex(join(path, "class"), 6),
      linkName(join(path, "driver")),
      linkName(join(path, "iommu_group")),
    ]);
    return {
      address,
      id: `${vendor}:${device}`,
      class: pciClass,
      ...(driver ? { driver } : {}),
      ...(iommuGroup ? { iommuGroup } : {}),
    };
  } catch (error) {
    if (codeOf(error) === "ENOENT") return undefined;
    throw error;
  }
}

/** `0x10de\n` -> `10de`; sysfs writes these ids in lower case with a 0x prefix. */
async function readHex(path: string, digits: number): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (codeOf(error) === "ENOENT") throw error;
    throw unreadable(path, error);
  }
  const match = new RegExp(`^0x([0-9a-fA-F]{${digits}})$`).exec(text.trim());
  if (!match?.[1]) {
    throw new FeatureError(
      `${path} holds ${JSON.stringify(text.trim())}, not a ${digits}-digit 0x hex value`,
      { field: "SYS_ROOT", fix: SYS_FIX },
    );
  }
  return match[1].toLowerCase();
}

/** The last part of a symlink's target (`../../../bus/pci/drivers/vfio-pci` -> `vfio-pci`). */
async function linkName(path: string): Promise<string | undefined> {
  try {
    return basename(await readlink(path));
  } catch (error) {
    if (codeOf(error) === "ENOENT") return undefined;
    throw unreadable(path, error);
  }
}

const SYS_FIX =
  "mount the node's /sys readable (a plain container's read-only sysfs shows /sys/bus/pci), or point SYS_ROOT at it";

function unreadable(path: string, error: unknown): FeatureError {
  return new FeatureError(`could not read ${path} (${codeOf(error) ?? String(error)})`, {
    field: "SYS_ROOT",
    fix: SYS_FIX,
  });
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}
