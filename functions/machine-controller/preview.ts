import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { ClusterReader } from "../../shared/kube/reader.ts";
import { ABSENT } from "../../shared/kube/reader.ts";
import type { KindRef } from "../../shared/kube/kinds.ts";
import { PERSISTENT_VOLUME_CLAIM, VIRTUAL_MACHINE } from "../../shared/kube/kinds.ts";
import { LABELS, NETWORK_ATTACHMENT_DEFINITION } from "./api.ts";
import type { CustomizeResponse, RelatedRule } from "./hooks/customize.ts";
import { customize, RELATED } from "./hooks/customize.ts";
import type { FinalizeResponse } from "./hooks/finalize.ts";
import { finalize } from "./hooks/finalize.ts";
import { decodeHookRequest } from "./http/hook-request.ts";
import type { HookRequest, ObjectMap } from "./hooks/observed.ts";
import { groupKey } from "./hooks/observed.ts";
import type { SyncResponse } from "./hooks/sync.ts";
import { sync } from "./hooks/sync.ts";

export interface MachinePreview {
  customize: CustomizeResponse;
  sync?: SyncResponse;
  finalize?: FinalizeResponse;
}

/**
 * What a Machine becomes, offline: the hooks run as Metacontroller would call them, with the
 * related objects customize asks for and the children (labelled with the Machine's name) taken
 * from a snapshot. Throws with the HTTP hook's own message when the object is not a Machine.
 */
export async function previewMachine(
  machine: KubeObject,
  cluster: ClusterReader,
  options: { finalize?: boolean; now: Date },
): Promise<MachinePreview> {
  const request = await hookRequestFor(machine, cluster, options.finalize === true);
  const rules = customize(machine);
  return options.finalize
    ? { customize: rules, finalize: finalize(request, options.now) }
    : { customize: rules, sync: sync(request, options.now) };
}

/**
 * The sync (or finalize) request Metacontroller would send for `machine`: its children (labelled
 * with the Machine's name) and the related objects its customize hook asks for, from `cluster`.
 */
export async function hookRequestFor(
  machine: KubeObject,
  cluster: ClusterReader,
  finalizing: boolean,
): Promise<HookRequest> {
  const decoded = decodeHookRequest({ parent: machine });
  if ("error" in decoded) throw new Error(decoded.error);
  return {
    parent: machine,
    children: await children(machine, cluster),
    related: await related(customize(machine), cluster),
    finalizing,
  };
}

const signal = (): AbortSignal => new AbortController().signal;

async function related(rules: CustomizeResponse, cluster: ClusterReader): Promise<ObjectMap> {
  const map: ObjectMap = {};
  for (const rule of rules.relatedResources) {
    const kind = Object.values(RELATED).find((r) => r.resource === rule.resource)?.kind;
    if (!kind) continue;
    const group = (map[groupKey(kind)] ??= {});
    for (const object of await selected(rule, kind, cluster))
      group[object.metadata?.name ?? ""] = object;
  }
  return map;
}

/** The objects one rule selects: every one of the kind for a selector, else those it names. */
async function selected(
  rule: RelatedRule,
  kind: KindRef,
  cluster: ClusterReader,
): Promise<KubeObject[]> {
  const namespace = rule.namespace ?? "";
  if (rule.labelSelector) {
    const found = await cluster.list(kind, { namespace }, signal());
    return found === ABSENT ? [] : found;
  }
  const objects: KubeObject[] = [];
  for (const name of rule.names ?? []) {
    const found = await cluster.get(kind, namespace, name, signal());
    if (found !== ABSENT) objects.push(found);
  }
  return objects;
}

async function children(machine: KubeObject, cluster: ClusterReader): Promise<ObjectMap> {
  const map: ObjectMap = {};
  const query = {
    namespace: machine.metadata?.namespace ?? "default",
    labelSelector: `${LABELS.machine}=${machine.metadata?.name ?? ""}`,
  };
  for (const kind of [VIRTUAL_MACHINE, PERSISTENT_VOLUME_CLAIM, NETWORK_ATTACHMENT_DEFINITION]) {
    const found = await cluster.list(kind, query, signal());
    const group = (map[groupKey(kind)] = {} as Record<string, KubeObject>);
    for (const object of found === ABSENT ? [] : found) group[object.metadata?.name ?? ""] = object;
  }
  return map;
}
