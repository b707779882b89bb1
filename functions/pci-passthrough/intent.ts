import { FeatureError } from "../../shared/basics/errors.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import { RESOURCE_NAME_FORM, resourceNameProblem } from "../../shared/kubevirt/resource-name.ts";
import { PCI_ADDRESS } from "../../shared/pci-inventory.ts";

export const FEATURE = "pci-passthrough";
export const TRIGGER = "vm-feature-manager.io/pci-passthrough";
export const TRIGGER_FIELD = `metadata.annotations["${TRIGGER}"]`;

/** One requested device: a host PCI address (lower case) or an extended-resource name. */
export type Entry =
  { kind: "address"; address: string } | { kind: "resource"; resourceName: string };

export type Intent = { ask: "absent" } | { ask: "attach"; entries: Entry[] };

const FORMS = `a PCI address DDDD:BB:DD.F (0000:65:00.0) or a resource name ${RESOURCE_NAME_FORM}`;

/**
 * The annotation: `{"devices": [...]}`, or one entry, or a comma-separated list. Duplicates (after
 * lower-casing addresses) and more than `maxDevices` entries are errors.
 */
export function readIntent(vm: Readonly<VirtualMachine>, maxDevices: number): Intent {
  const raw = vm.metadata?.annotations?.[TRIGGER];
  if (raw === undefined) return { ask: "absent" };
  const texts = entryTexts(raw);
  if (texts.length > maxDevices) {
    refuse(`asks for ${texts.length} devices, more than the ${maxDevices} allowed per VM`, {
      fix: "split the devices across VMs, or raise PCI_MAX_DEVICES in the function's settings",
    });
  }
  const entries = texts.map((text, index) => parseEntry(text, index, texts.length));
  requireDistinct(entries);
  return { ask: "attach", entries };
}

function entryTexts(raw: string): string[] {
  const value = raw.trim();
  if (value === "") refuse("is empty", { fix: `list at least one device: ${FORMS}` });
  const texts = value.startsWith("{") ? devicesOfJson(value) : value.split(",");
  return texts.map((t) => t.trim());
}

function devicesOfJson(value: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    refuse(`is not valid JSON (${(error as Error).message})`, { fix: JSON_FIX });
  }
  const devices = (parsed as { devices?: unknown } | null)?.devices;
  if (!Array.isArray(devices) || !devices.every((d) => typeof d === "string"))
    refuse('must be {"devices": [...]} with a list of strings', { fix: JSON_FIX });
  if (devices.length === 0) refuse("lists no devices", { fix: JSON_FIX });
  return devices;
}

const JSON_FIX = `write {"devices": ["0000:65:00.0", "nvidia.com/GA102GL_A10"]}, or a comma-separated list; each entry ${FORMS}`;

function parseEntry(text: string, index: number, total: number): Entry {
  const where = total > 1 ? `entry ${index + 1} ` : "";
  if (text === "")
    refuse(`${where}is empty`, { fix: "remove the extra comma, or name a device there" });
  const lower = text.toLowerCase();
  if (PCI_ADDRESS.test(lower)) return { kind: "address", address: lower };
  if (text.includes("/")) {
    const problem = resourceNameProblem(text);
    if (problem)
      refuse(`${where}${problem}`, { fix: `write the resource as ${RESOURCE_NAME_FORM}` });
    return { kind: "resource", resourceName: text };
  }
  return refuse(`${where}"${text}" ${notADevice(lower)}`, { fix: fixFor(lower) });
}

// Near misses get their own words: they are the mistakes older tools taught.
function notADevice(lower: string): string {
  if (/^[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]$/.test(lower)) return "has no PCI domain";
  if (/^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]$/.test(lower))
    return "is out of range (device 00-1f, function 0-7)";
  if (/^pci_[0-9a-f]{4}_/.test(lower))
    return "is a libvirt node-device name, which KubeVirt does not accept";
  return "is neither a PCI address nor a resource name";
}

function fixFor(lower: string): string {
  if (/^[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]$/.test(lower))
    return `write it with its domain, 0000:${lower} (lspci -D prints it)`;
  if (/^pci_[0-9a-f]{4}_/.test(lower)) {
    const [, domain, bus, device, fn] = lower.split("_");
    return `write the address as ${domain}:${bus}:${device}.${fn}`;
  }
  return `write ${FORMS}`;
}

function requireDistinct(entries: readonly Entry[]): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    const key = entry.kind === "address" ? entry.address : entry.resourceName;
    if (seen.has(key)) refuse(`lists ${key} twice`, { fix: `list ${key} once` });
    seen.add(key);
  }
}

function refuse(what: string, { fix }: { fix: string }): never {
  throw new FeatureError(`the annotation ${what}`, { field: TRIGGER_FIELD, fix });
}
