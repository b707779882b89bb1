import {
  appliedAnnotation,
  errorAnnotation,
  triggerAnnotation,
} from "../../shared/admission/annotations.ts";
import { FeatureError } from "../../shared/basics/errors.ts";
import type { HostDevice, VirtualMachine } from "../../shared/kubevirt/types.ts";
import type { Intent } from "./intent.ts";
import { TARGET } from "./intent.ts";

export type DeviceKind = "gpu" | "hostDevice";

/** A passed-through device and the alias virt-launcher gives its `<hostdev>`. */
export interface Target {
  name: string;
  kind: DeviceKind;
  alias: string;
  deviceName?: string;
}

/** Where the ROM goes, or why it cannot be decided yet. */
export type Resolution = { wait: string } | { targets: Target[] };

/**
 * The functions that add hostDevices[] or gpus[] entries. When one was asked for and has not run
 * yet (neither its -applied nor its -error annotation), the device may still come: this function
 * waits, and reinvocation calls it again once the other has changed the VM.
 */
export const DEVICE_PROVIDERS = ["pci-passthrough", "gpu-device-plugin"] as const;

const DEVICES_FIELD = "spec.template.spec.domain.devices.gpus / hostDevices";

// KubeVirt v1.9 pkg/virt-launcher/virtwrap/device/hostdevice: gpu-, hostdevice-, and the
// dra- forms for entries backed by a DRA claim, all behind the user-alias prefix ua-.
export function aliasOf(kind: DeviceKind, entry: Readonly<HostDevice>): string {
  const base = kind === "gpu" ? "gpu-" : "hostdevice-";
  return `ua-${entry.claimName ? "dra-" : ""}${base}${entry.name}`;
}

/**
 * Every gpus[] and hostDevices[] entry of the VM, GPUs first. An entry without a name is none:
 * KubeVirt refuses it, and it has no alias the hook could find.
 */
export function passedThrough(vm: Readonly<VirtualMachine>): Target[] {
  const devices = vm.spec?.template?.spec?.domain?.devices;
  const of = (kind: DeviceKind, entries: readonly HostDevice[] = []): Target[] =>
    entries.filter(named).map((entry) => ({
      name: entry.name,
      kind,
      alias: aliasOf(kind, entry),
      ...(entry.deviceName ? { deviceName: entry.deviceName } : {}),
    }));
  return [...of("gpu", devices?.gpus), ...of("hostDevice", devices?.hostDevices)];
}

const named = (entry: Readonly<HostDevice>): boolean =>
  typeof entry.name === "string" && entry.name !== "";

export function pendingProvider(vm: Readonly<VirtualMachine>): string | undefined {
  const annotations = vm.metadata?.annotations ?? {};
  return DEVICE_PROVIDERS.find(
    (p) =>
      triggerAnnotation(p) in annotations &&
      !(appliedAnnotation(p) in annotations) &&
      !(errorAnnotation(p) in annotations),
  );
}

export function resolveTargets(vm: Readonly<VirtualMachine>, intent: Intent): Resolution {
  const devices = passedThrough(vm);
  const pending = pendingProvider(vm);
  if (intent.targets) {
    const missing = intent.targets.filter((name) => !devices.some((d) => d.name === name));
    if (missing.length > 0 && pending) return waitFor(pending);
    if (missing.length > 0) throw unknownTarget(missing, devices);
    return { targets: intent.targets.map((name) => only(name, devices)) };
  }
  if (pending) return waitFor(pending);
  const [first, ...rest] = devices;
  if (!first) {
    throw new FeatureError("the VM passes through no GPU or host device to give the ROM to", {
      field: DEVICES_FIELD,
      fix: "add the GPU to gpus[] or hostDevices[] (or ask pci-passthrough or gpu-device-plugin for it)",
    });
  }
  if (rest.length > 0) {
    throw new FeatureError(
      `the VM passes through several devices (${devices.map(describe).join(", ")}) and nothing says which gets the ROM`,
      { field: `metadata.annotations["${TARGET}"]`, fix: `set it to one of: ${names(devices)}` },
    );
  }
  return { targets: [first] };
}

const waitFor = (provider: string): Resolution => ({
  wait: `no ROM injected yet: waiting for ${provider} to add the device (this function runs again when it does)`,
});

function only(name: string, devices: readonly Target[]): Target {
  const found = devices.filter((d) => d.name === name);
  const [first, second] = found;
  if (first && !second) return first;
  throw new FeatureError(`"${name}" is both a gpus[] and a hostDevices[] entry`, {
    field: DEVICES_FIELD,
    fix: "rename one of them: virt-launcher tells them apart by alias, the annotation by name",
  });
}

function unknownTarget(missing: readonly string[], devices: readonly Target[]): FeatureError {
  const has = devices.length ? `it has ${devices.map(describe).join(", ")}` : "it has none";
  return new FeatureError(
    `the VM has no GPU or host device named ${missing.map((m) => `"${m}"`).join(", ")} (${has})`,
    {
      field: `metadata.annotations["${TARGET}"]`,
      fix: devices.length
        ? `name one of: ${names(devices)}`
        : "add the device to gpus[] or hostDevices[] first",
    },
  );
}

const describe = (d: Target): string => `${d.kind} ${d.name}`;
const names = (devices: readonly Target[]): string => devices.map((d) => d.name).join(", ");
