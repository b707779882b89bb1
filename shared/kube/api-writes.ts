import type { KubeObject } from "../basics/kube-object.ts";
import type { ApiConnection } from "./api-transport.ts";
import { PlainObjectApi } from "./api-transport.ts";
import { loadConnection } from "./connection.ts";
import type { KindRef } from "./kinds.ts";
import { requireKind } from "./kinds.ts";

/**
 * The objects a function keeps by name (vbios-injection's hook ConfigMap, cpu-labeller's Node), at
 * the kind's resource name and scope from KINDS (shared/kube/kinds.ts) and with no discovery, on the same
 * configuration and transport as the reads. Nothing is cached and a 404 is an error here: these
 * are the function's own objects, not a view. Failures are ApiStatusErrors with the HTTP status
 * as `code` (404, 409 for a create that lost a race).
 */
export interface OwnedObjects {
  read(ref: ObjectRef, signal: AbortSignal): Promise<KubeObject>;
  /** Creates the body in the namespace it names (`metadata.namespace`, none: cluster-scoped). */
  create(kind: KindRef, body: KubeObject, signal: AbortSignal): Promise<void>;
  /** Replaces the object the body names (`metadata.name` and `namespace`). */
  replace(kind: KindRef, body: KubeObject, signal: AbortSignal): Promise<void>;
  /** A JSON merge patch (RFC 7386): only the keys it names change. */
  mergePatch(ref: ObjectRef, patch: object, signal: AbortSignal): Promise<void>;
}

/** One object by name; `namespace` is "" for a cluster-scoped kind. */
export interface ObjectRef {
  kind: KindRef;
  namespace: string;
  name: string;
}

/**
 * OwnedObjects, on the reads' configuration and transport: client-node's CoreV1Api would load
 * every API class and model for a function's first write.
 */
export async function connectOwned(
  load: () => Promise<ApiConnection> = loadConnection,
): Promise<OwnedObjects> {
  const api = new PlainObjectApi(await load());
  const path = ({ kind, namespace, name }: Omit<ObjectRef, "name"> & { name?: string }): string =>
    api.path(kind, resourceOf(kind), namespace, name);
  const namespaceOf = (body: KubeObject): string => body.metadata?.namespace ?? "";
  return {
    read: (ref, signal) => api.requestJson<KubeObject>("GET", path(ref), {}, signal),
    async create(kind, body, signal) {
      await api.requestJson("POST", path({ kind, namespace: namespaceOf(body) }), { body }, signal);
    },
    async replace(kind, body, signal) {
      const ref = { kind, namespace: namespaceOf(body), name: body.metadata?.name ?? "" };
      await api.requestJson("PUT", path(ref), { body }, signal);
    },
    async mergePatch(ref, patch, signal) {
      const type = "application/merge-patch+json";
      await api.requestJson("PATCH", path(ref), { body: patch, type }, signal);
    },
  };
}

/** The kind's resource as KINDS records it: writes name kinds the house knows, so no discovery. */
function resourceOf(kind: KindRef): { kind: string; name: string; namespaced: boolean } {
  const { plural, namespaced } = requireKind(kind);
  return { kind: kind.kind, name: plural, namespaced };
}
