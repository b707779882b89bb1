import type { KubeObject } from "../admission/types.ts";
import { KUBEVIRT } from "../kube/kinds.ts";
import type { Absent, ClusterReader } from "../kube/reader.ts";
import { ABSENT } from "../kube/reader.ts";

// The parts of the KubeVirt CR (`kubevirt.io/v1` KubeVirt, spec.configuration) that features
// check, with field names from KubeVirt v1.9's OpenAPI definitions.

export interface PciHostDevice {
  pciVendorSelector: string;
  resourceName: string;
  externalResourceProvider?: boolean;
}

export interface MediatedHostDevice {
  mdevNameSelector: string;
  resourceName: string;
  externalResourceProvider?: boolean;
}

export interface UsbHostDevice {
  resourceName: string;
  selectors?: unknown[];
  externalResourceProvider?: boolean;
}

export interface KubeVirtConfiguration {
  permittedHostDevices?: {
    pciHostDevices?: PciHostDevice[];
    mediatedDevices?: MediatedHostDevice[];
    usb?: UsbHostDevice[];
  };
  developerConfiguration?: { featureGates?: string[]; disabledFeatureGates?: string[] };
  [key: string]: unknown;
}

export interface KubeVirtCr extends KubeObject {
  spec?: { configuration?: KubeVirtConfiguration; [key: string]: unknown };
}

/**
 * The cluster's KubeVirt CR, wherever KubeVirt is installed (`kubevirt/kubevirt` upstream,
 * `harvester-system/kubevirt` on Harvester): the list is cluster-wide, so no namespace has to be
 * configured. `absent` when KubeVirt's CRD is not served or no CR exists.
 */
export async function readKubeVirt(
  cluster: ClusterReader,
  signal: AbortSignal,
): Promise<KubeVirtCr | Absent> {
  const found = await cluster.list(KUBEVIRT, {}, signal);
  if (found === ABSENT) return ABSENT;
  // More than one CR is not a working KubeVirt; the oldest is the one virt-operator reconciles.
  const [first] = [...found].sort((a, b) =>
    String(a.metadata?.["creationTimestamp"] ?? "").localeCompare(
      String(b.metadata?.["creationTimestamp"] ?? ""),
    ),
  );
  return first ?? ABSENT;
}

/** Every resource name the CR permits for hostDevices and gpus (PCI and mediated devices). */
export function permittedResourceNames(cr: KubeVirtCr): string[] {
  const permitted = cr.spec?.configuration?.permittedHostDevices;
  return [
    ...(permitted?.pciHostDevices ?? []).map((d) => d.resourceName),
    ...(permitted?.mediatedDevices ?? []).map((d) => d.resourceName),
  ];
}

/** What kind of device the CR permits under `resourceName`, if it permits it at all. */
export function permittedDeviceClass(
  cr: KubeVirtCr,
  resourceName: string,
): "pci" | "mediated" | "usb" | undefined {
  const permitted = cr.spec?.configuration?.permittedHostDevices ?? {};
  const classes = [
    ["pci", permitted.pciHostDevices],
    ["mediated", permitted.mediatedDevices],
    ["usb", permitted.usb],
  ] as const;
  return classes.find(([, devices]) =>
    (devices ?? []).some((d) => d.resourceName === resourceName),
  )?.[0];
}

/**
 * Whether an Alpha feature gate (Sidecar, HostDevices, GPU, ...) is on: listed in `featureGates`.
 * KubeVirt v1.9 (pkg/virt-config/featuregate IsEnabled) gives an explicit enable precedence over
 * `disabledFeatureGates`, which only turns off Beta gates that are on by default.
 */
export function featureGateEnabled(cr: KubeVirtCr, gate: string): boolean {
  return (cr.spec?.configuration?.developerConfiguration?.featureGates ?? []).includes(gate);
}
