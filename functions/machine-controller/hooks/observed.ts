import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import type { KindRef } from "../../../shared/kube/kinds.ts";
import {
  PERSISTENT_VOLUME_CLAIM,
  SECRET,
  STORAGE_CLASS,
  VIRTUAL_MACHINE,
  VIRTUAL_MACHINE_INSTANCE,
} from "../../../shared/kube/kinds.ts";
import { DATA_VOLUME, NETWORK_ATTACHMENT_DEFINITION, NETWORK_CONFIGURATION } from "../api.ts";
import { DEFAULT_CLASS_ANNOTATION } from "../spec/templates.ts";

/** Metacontroller's objects of one kind, keyed by name (v1 hooks) or namespace/name (v2). */
export type ObjectMap = Record<string, Record<string, KubeObject>>;

/** A sync or finalize request as Metacontroller sends it (hook versions v1 and v2). */
export interface HookRequest {
  controller?: KubeObject;
  parent: KubeObject;
  children?: ObjectMap | null;
  related?: ObjectMap | null;
  finalizing?: boolean;
}

/** What Metacontroller saw: the Machine's children and the related objects customize asked for. */
export interface Observed {
  vm?: KubeObject;
  pvcs: Map<string, KubeObject>;
  /** The NetworkAttachmentDefinitions made for the Machine's VLAN and bridge networks. */
  attachments: Map<string, KubeObject>;
  vmi?: KubeObject;
  /** The DataVolumes KubeVirt made from the VM's dataVolumeTemplates (related, by name). */
  dataVolumes: Map<string, KubeObject>;
  networkConfigurations: Map<string, KubeObject>;
  storageClasses: Map<string, KubeObject>;
  /** The StorageClass the cluster marks default, if any. */
  defaultStorageClass: string | undefined;
  secrets: Map<string, KubeObject>;
}

/** The key Metacontroller files a kind under: `Pod.v1`, `VirtualMachine.kubevirt.io/v1`. */
export function groupKey(kind: KindRef): string {
  return `${kind.kind}.${kind.apiVersion}`;
}

/**
 * The objects of one kind by their own metadata.name, in name order: the map's keys are not read,
 * so v1 (`name`) and v2 (`namespace/name`) requests read the same. Only objects in `namespace`
 * count when it is given (a v2 request may carry objects from other namespaces).
 */
function byName(
  map: ObjectMap | null | undefined,
  kind: KindRef,
  namespace?: string,
): Map<string, KubeObject> {
  const objects = Object.values(map?.[groupKey(kind)] ?? {}).filter(
    (o) =>
      typeof o?.metadata?.name === "string" &&
      (namespace === undefined || (o.metadata.namespace ?? namespace) === namespace),
  );
  objects.sort((a, b) => compareText(a.metadata?.name ?? "", b.metadata?.name ?? ""));
  return new Map(objects.map((o) => [o.metadata?.name ?? "", o]));
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function readObserved(request: HookRequest): Observed {
  const namespace = request.parent.metadata?.namespace ?? "default";
  const name = request.parent.metadata?.name ?? "";
  const { children, related } = request;
  const storageClasses = byName(related, STORAGE_CLASS);
  return {
    vm: byName(children, VIRTUAL_MACHINE, namespace).get(name),
    pvcs: byName(children, PERSISTENT_VOLUME_CLAIM, namespace),
    attachments: byName(children, NETWORK_ATTACHMENT_DEFINITION, namespace),
    vmi: byName(related, VIRTUAL_MACHINE_INSTANCE, namespace).get(name),
    dataVolumes: byName(related, DATA_VOLUME, namespace),
    networkConfigurations: byName(related, NETWORK_CONFIGURATION, namespace),
    storageClasses,
    defaultStorageClass: defaultClassOf(storageClasses),
    secrets: byName(related, SECRET, namespace),
  };
}

const DEFAULT_CLASS_ANNOTATIONS = [
  DEFAULT_CLASS_ANNOTATION,
  "storageclass.beta.kubernetes.io/is-default-class",
];

/**
 * The default StorageClass as Kubernetes picks it: of those annotated `"true"`, the newest, and of
 * equally new ones the first by name.
 */
export function defaultClassOf(storageClasses: Map<string, KubeObject>): string | undefined {
  const marked = [...storageClasses.values()].filter((c) =>
    DEFAULT_CLASS_ANNOTATIONS.some((key) => c.metadata?.annotations?.[key] === "true"),
  );
  const created = (c: KubeObject): number =>
    Date.parse(String(c.metadata?.["creationTimestamp"] ?? "")) || 0;
  marked.sort((a, b) => created(b) - created(a));
  return marked[0]?.metadata?.name;
}
