// The CRDs of the neighbours the product works with, as their projects define them: KubeVirt's
// (built by its own generator), Harvester's PCIDevice and Knative Serving's (from its module).
import { knativeCrds } from "./knative-crds.ts";
import { kubevirtCrds } from "./kubevirt-crds.ts";
import { PCI_DEVICE_CRD } from "./pci-device-crd.ts";

/** Every upstream CRD to install before the product, as plain objects. */
export async function upstreamCrds(): Promise<Record<string, unknown>[]> {
  const [kubevirt, knative] = await Promise.all([kubevirtCrds(), knativeCrds()]);
  return [...kubevirt, PCI_DEVICE_CRD, ...knative];
}
