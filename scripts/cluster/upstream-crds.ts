// The CRDs of the neighbours the product works with, as their projects define them: KubeVirt's
// (built by its own generator), Harvester's PCIDevice and Knative Serving's (from its module).
import type { Api, KubeObject } from "./api.ts";
import { standInCrds } from "./crds.ts";
import { knativeCrds } from "./knative-crds.ts";
import { kubevirtCrds } from "./kubevirt-crds.ts";
import { NETWORK_ATTACHMENT_CRD } from "./network-attachment-crd.ts";
import { PCI_DEVICE_CRD } from "./pci-device-crd.ts";

let loaded: Promise<Record<string, unknown>[]> | undefined;

/** Every upstream CRD to install before the product, as plain objects. */
export async function upstreamCrds(): Promise<Record<string, unknown>[]> {
  loaded ??= Promise.all([kubevirtCrds(), knativeCrds()]).then(([kubevirt, knative]) => [
    ...kubevirt,
    PCI_DEVICE_CRD,
    NETWORK_ATTACHMENT_CRD,
    ...knative,
  ]);
  return structuredClone(await loaded);
}

/**
 * What a local cluster installs before the product: the upstream CRDs, and a stand-in for every
 * other kind whose owner is not installed (cert-manager, Metacontroller).
 */
export async function clusterCrds(): Promise<KubeObject[]> {
  const upstream = (await upstreamCrds()) as unknown as KubeObject[];
  const names = new Set(upstream.map((crd) => crd.metadata.name));
  return [...upstream, ...standInCrds().filter((crd) => !names.has(crd.metadata.name))];
}

interface CrdSpec {
  group: string;
  names: { kind: string };
  versions: { subresources?: { status?: object } }[];
}

/** `group kind` of every upstream kind whose status is a subresource, which a create leaves out. */
async function statusKinds(): Promise<Set<string>> {
  const specs = (await upstreamCrds()).map((crd) => crd["spec"] as CrdSpec);
  return new Set(
    specs
      .filter((spec) => spec.versions.some((v) => v.subresources?.status))
      .map((spec) => `${spec.group} ${spec.names.kind}`),
  );
}

/**
 * Writes the status of objects whose CRD keeps it in the status subresource, as their controllers
 * do (Harvester's PCIDevices, the KubeVirt CR): a create or apply of the object itself drops it.
 */
export async function applyStatuses(admin: Api, objects: readonly KubeObject[]): Promise<void> {
  const kinds = await statusKinds();
  const group = (o: KubeObject): string => o.apiVersion.split("/").slice(0, -1).join("/");
  for (const object of objects) {
    if (object["status"] === undefined || !kinds.has(`${group(object)} ${object.kind}`)) continue;
    const { apiVersion, kind, metadata } = object;
    const path = await admin.path(apiVersion, kind, metadata.namespace, metadata.name);
    const query = "?fieldManager=npm-run-cluster&force=true";
    const body = { apiVersion, kind, metadata: { name: metadata.name }, status: object["status"] };
    await admin.ok("PATCH", `${path}/status${query}`, body, "application/apply-patch+yaml");
  }
}
