import type { KubeObject } from "../basics/kube-object.ts";
import { statusOf } from "./api-errors.ts";
import type { ApiConnection } from "./api-transport.ts";
import { PlainObjectApi } from "./api-transport.ts";
import { loadConnection } from "./connection.ts";
import type { ClusterReader } from "./reader.ts";
import { ABSENT } from "./reader.ts";

/**
 * The uncached reader underneath the live one: a ClusterReader whose every answer is a round trip,
 * so always a promise. Failures carry the HTTP status as `code`.
 */
export type ObjectClient = {
  [Read in keyof ClusterReader]: (
    ...args: Parameters<ClusterReader[Read]>
  ) => Promise<Awaited<ReturnType<ClusterReader[Read]>>>;
};

/**
 * An ObjectClient on the standard configuration (the pod's ServiceAccount, else KUBECONFIG through
 * client-node, its authenticators and proxy agents: see loadConnection) and node:https for the two
 * GETs a reader makes. client-node's own object API is left out on
 * purpose: it brings the model classes and their serializer (which would turn timestamps into
 * Dates and drop unknown fields, so responses stay plain JSON anyway) and the npm undici
 * transport, which would dominate what a first cluster read loads.
 * Every request, discovery included, carries the caller's signal.
 */
export async function connectObjects(
  load: () => Promise<ApiConnection> = loadConnection,
): Promise<ObjectClient> {
  const api = new PlainObjectApi(await load());
  return {
    async get(kind, namespace, name, signal) {
      const resource = await api.served(kind, signal);
      if (!resource) return ABSENT;
      try {
        return await api.requestJson<KubeObject>(
          "GET",
          api.path(kind, resource, namespace, name),
          {},
          signal,
        );
      } catch (error) {
        if (statusOf(error) === 404) return ABSENT;
        throw error;
      }
    },
    async list(kind, query, signal) {
      const resource = await api.served(kind, signal);
      if (!resource) return ABSENT;
      const { labelSelector, fieldSelector } = query;
      const path = api.path(kind, resource, query.namespace ?? "");
      const list = await api.requestJson<{ items?: KubeObject[] }>(
        "GET",
        path,
        { query: { labelSelector, fieldSelector } },
        signal,
      );
      // A list carries its items without apiVersion/kind; put them back so objects look as they do alone.
      return (list.items ?? []).map((item) => ({
        apiVersion: kind.apiVersion,
        kind: kind.kind,
        ...item,
      }));
    },
  };
}
