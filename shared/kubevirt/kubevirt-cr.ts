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

export interface KubeVirtConfiguration {
  permittedHostDevices?: {
    pciHostDevices?: PciHostDevice[];
    mediatedDevices?: MediatedHostDevice[];
    usb?: unknown[];
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

export function featureGateEnabled(cr: KubeVirtCr, gate: string): boolean {
  const developer = cr.spec?.configuration?.developerConfiguration;
  return (
    (developer?.featureGates ?? []).includes(gate) &&
    !(developer?.disabledFeatureGates ?? []).includes(gate)
  );
}
