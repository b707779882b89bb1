// The node PCI inventory: what cpu-labeller reads from /sys/bus/pci/devices and publishes as the
// node annotation NODE_ANNOTATIONS.pciDevices, and what pci-passthrough reads back. One format,
// written and read here only.

/** One PCI function of a node, as sysfs describes it. */
export interface PciRecord {
  /** `DDDD:BB:DD.F`, lower case: the sysfs directory name. */
  address: string;
  /** `vendor:device`, 4 lower-case hex digits each, as KubeVirt's pciVendorSelector matches it. */
  id: string;
  /** The 24-bit class code, 6 hex digits (`030200` is a 3D controller). */
  class: string;
  /** The bound driver (`vfio-pci`, `nvidia`); absent when none is bound. */
  driver?: string;
  /** The IOMMU group number; absent when the IOMMU is off. */
  iommuGroup?: string;
}

/** domain 4 hex digits, bus 2, device 00-1f, function 0-7. */
export const PCI_ADDRESS = /^[0-9a-f]{4}:[0-9a-f]{2}:[01][0-9a-f]\.[0-7]$/;
const PCI_ID = /^[0-9a-f]{4}:[0-9a-f]{4}$/;
const PCI_CLASS = /^[0-9a-f]{6}$/;

/** The annotation value: a JSON array sorted by address, keys in a fixed order, so it is stable. */
export function encodeInventory(records: readonly PciRecord[]): string {
  const sorted = [...records].sort((a, b) => a.address.localeCompare(b.address));
  return JSON.stringify(
    sorted.map((r) => ({
      address: r.address,
      id: r.id,
      class: r.class,
      ...(r.driver ? { driver: r.driver } : {}),
      ...(r.iommuGroup ? { iommuGroup: r.iommuGroup } : {}),
    })),
  );
}

/** The records of an annotation value, or what is wrong with it. */
export function decodeInventory(text: string): PciRecord[] | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: "is not JSON" };
  }
  if (!Array.isArray(value)) return { problem: "is not a JSON array" };
  const records: PciRecord[] = [];
  for (const [index, item] of value.entries()) {
    const record = asRecord(item);
    if (!record) return { problem: `has an invalid entry at index ${index}` };
    records.push(record);
  }
  return records;
}

const matches =
  (pattern: RegExp) =>
  (value: unknown): boolean =>
    typeof value === "string" && pattern.test(value);
const optionalString = (value: unknown): boolean =>
  value === undefined || typeof value === "string";

const FIELD_CHECKS: Record<keyof PciRecord, (value: unknown) => boolean> = {
  address: matches(PCI_ADDRESS),
  id: matches(PCI_ID),
  class: matches(PCI_CLASS),
  driver: optionalString,
  iommuGroup: optionalString,
};

function asRecord(item: unknown): PciRecord | undefined {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return undefined;
  const fields = item as Record<string, unknown>;
  const valid = Object.entries(FIELD_CHECKS).every(([key, check]) => check(fields[key]));
  if (!valid) return undefined;
  const { address, id, class: pciClass, driver, iommuGroup } = fields as unknown as PciRecord;
  return {
    address,
    id,
    class: pciClass,
    ...(driver ? { driver } : {}),
    ...(iommuGroup ? { iommuGroup } : {}),
  };
}
