// The upstream schemas fields are cut from: KubeVirt's CRDs (as virt-operator makes them, built
// from the pinned kubevirt.io module by tools/kubevirt-crds), Harvester's PCIDevice CRD, and
// Kubernetes' core/v1 OpenAPI.
import { PCI_DEVICE_CRD } from "../cluster/pci-device-crd.ts";
import { kubevirtCrds } from "../cluster/kubevirt-crds.ts";
import type { Schema } from "./compose.ts";
import { coreSchema } from "./kubernetes-core.ts";

/** A copy of the openAPIV3Schema of `kind`'s storage version among `crds`, free to edit. */
function crdSchema(crds: readonly Record<string, unknown>[], kind: string): Schema {
  const crd = crds.find((c) => (c["spec"] as { names?: { kind?: string } }).names?.kind === kind);
  const versions = (crd?.["spec"] as { versions?: { storage?: boolean; schema: unknown }[] })
    .versions;
  const version = versions?.find((v) => v.storage) ?? versions?.[0];
  const schema = (version?.schema as { openAPIV3Schema?: Schema } | undefined)?.openAPIV3Schema;
  if (!schema) throw new Error(`no CRD holds a schema for ${kind}`);
  return structuredClone(schema);
}

/** `schema` with Kubernetes' ObjectMeta at `path` (a CRD's schema leaves metadata open). */
async function withObjectMeta(schema: Schema, path: readonly string[]): Promise<Schema> {
  const objectMeta = (await coreSchema("Pod")).properties?.["metadata"];
  const parent = path.slice(0, -1).reduce<Schema | undefined>((s, p) => s?.properties?.[p], schema);
  if (!parent?.properties || !objectMeta) throw new Error(`no ${path.join(".")} to type`);
  parent.properties[path.at(-1) ?? ""] = objectMeta;
  return schema;
}

/** KubeVirt's VirtualMachine; its template's metadata, which KubeVirt copies to a Pod's, typed. */
export async function virtualMachineSchema(): Promise<Schema> {
  const vm = crdSchema(await kubevirtCrds(), "VirtualMachine");
  return withObjectMeta(vm, ["spec", "template", "metadata"]);
}

/** Each kind a snapshot holds, under its name, with its metadata typed. */
export async function snapshotSchema(kinds: readonly string[]): Promise<Schema> {
  const crds = [...(await kubevirtCrds()), PCI_DEVICE_CRD];
  const core = [
    "Namespace",
    "Node",
    "ConfigMap",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
  ];
  const properties: Record<string, Schema> = {};
  for (const kind of kinds)
    properties[kind] = core.includes(kind)
      ? await coreSchema(kind)
      : await withObjectMeta(crdSchema(crds, kind), ["metadata"]);
  return { type: "object", properties };
}
