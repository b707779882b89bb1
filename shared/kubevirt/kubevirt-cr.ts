import { FeatureError } from "../basics/errors.ts";
import type { KubeObject } from "../basics/kube-object.ts";
import { derivedPerRead } from "../kube/derived.ts";
import { KUBEVIRT } from "../kube/kinds.ts";
import type { Absent, ClusterReader } from "../kube/reader.ts";
import { ABSENT } from "../kube/reader.ts";
import type { MaybePromise } from "../runtime/maybe-promise.ts";
import { andThen } from "../runtime/maybe-promise.ts";

// The parts of the KubeVirt CR (`kubevirt.io/v1` KubeVirt, spec.configuration) that features
// check, with field names from KubeVirt v1.9's OpenAPI definitions.

/** A PCI device the KubeVirt CR permits, by vendor:device selector. */
export interface PciHostDevice {
  pciVendorSelector: string;
  resourceName: string;
  externalResourceProvider?: boolean;
}

/** A mediated (vGPU) device the KubeVirt CR permits. */
export interface MediatedHostDevice {
  mdevNameSelector: string;
  resourceName: string;
  externalResourceProvider?: boolean;
}

/** A USB device the KubeVirt CR permits. */
export interface UsbHostDevice {
  resourceName: string;
  selectors?: { vendor?: string; product?: string }[];
  externalResourceProvider?: boolean;
}

/** The part of the KubeVirt CR's configuration the features read. */
export interface KubeVirtConfiguration {
  permittedHostDevices?: {
    pciHostDevices?: PciHostDevice[];
    mediatedDevices?: MediatedHostDevice[];
    usb?: UsbHostDevice[];
  };
  developerConfiguration?: { featureGates?: string[]; disabledFeatureGates?: string[] };
  [key: string]: unknown;
}

/** The KubeVirt CR, as far as the features read it. */
export interface KubeVirtCr extends KubeObject {
  spec?: { configuration?: KubeVirtConfiguration; [key: string]: unknown };
}

/**
 * The cluster's KubeVirt CR, wherever KubeVirt is installed (`kubevirt/kubevirt` upstream,
 * `harvester-system/kubevirt` on Harvester): the list is cluster-wide, so no namespace has to be
 * configured. `absent` when KubeVirt's CRD is not served or no CR exists.
 */
export function readKubeVirt(
  cluster: ClusterReader,
  signal: AbortSignal,
): MaybePromise<KubeVirtCr | Absent> {
  // Not async, and the choice kept per list: the live reader hands every review the same cached
  // list, and three functions read the CR on every review.
  return andThen(cluster.list(KUBEVIRT, {}, signal), (found) =>
    found === ABSENT ? ABSENT : oldestOf(found),
  );
}

// More than one CR is not a working KubeVirt; the oldest is the one virt-operator reconciles.
const oldestOf = derivedPerRead((found: readonly KubeObject[]): KubeVirtCr | Absent => {
  const [first] = [...found].sort((a, b) =>
    String(a.metadata?.["creationTimestamp"] ?? "").localeCompare(
      String(b.metadata?.["creationTimestamp"] ?? ""),
    ),
  );
  return first ?? ABSENT;
});

/**
 * Every resource name the CR permits for hostDevices and gpus: PCI, mediated and USB devices, the
 * same set virt-controller checks each entry's deviceName against.
 */
export function permittedResourceNames(cr: KubeVirtCr): string[] {
  const permitted = cr.spec?.configuration?.permittedHostDevices;
  return [
    ...(permitted?.pciHostDevices ?? []).map((d) => d.resourceName),
    ...(permitted?.mediatedDevices ?? []).map((d) => d.resourceName),
    ...(permitted?.usb ?? []).map((d) => d.resourceName),
  ];
}

/**
 * The resource names of the `pciHostDevices` entries whose `pciVendorSelector` selects a device
 * of this `vendor:device` id; KubeVirt compares them in lower case, as here.
 */
export function pciResourceNamesFor(cr: KubeVirtCr, pciId: string): string[] {
  const entries = cr.spec?.configuration?.permittedHostDevices?.pciHostDevices ?? [];
  const names = entries
    .filter((d) => d.pciVendorSelector.trim().toLowerCase() === pciId.toLowerCase())
    .map((d) => d.resourceName);
  return [...new Set(names)];
}

/** `namespace/name` of the CR, as messages name it. */
export function kubeVirtName(cr: KubeVirtCr): string {
  return `${cr.metadata?.namespace ?? ""}/${cr.metadata?.name ?? ""}`;
}

/**
 * Refuses a device entry whose resource the readable CR does not permit: virt-controller would
 * accept the VM and then refuse to start it (`... is not permitted in permittedHostDevices
 * configuration`). Without a readable CR there is nothing to check against.
 */
export function requirePermitted(
  cr: KubeVirtCr | Absent,
  resourceName: string,
  where: { entry: string; field: string },
): void {
  if (cr === ABSENT || permittedResourceNames(cr).includes(resourceName)) return;
  throw new FeatureError(
    `${where.entry}: ${resourceName} is not in the permittedHostDevices of the KubeVirt CR ${kubeVirtName(cr)}, so KubeVirt would not start the VM`,
    {
      field: where.field,
      fix: `add {pciVendorSelector: "<VENDOR>:<DEVICE>", resourceName: "${resourceName}"} to spec.configuration.permittedHostDevices.pciHostDevices of KubeVirt ${kubeVirtName(cr)} (with externalResourceProvider: true when another device plugin serves it; mediatedDevices for a vGPU), or use a resource it permits`,
    },
  );
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
