import type {
  KubernetesObject,
  RequestContext,
  ResponseContext,
  V1APIResource,
} from "@kubernetes/client-node";
import type { KubeObject } from "../admission/types.ts";
import type { KindRef } from "./kinds.ts";
import type { ClusterReader } from "./reader.ts";
import { ABSENT } from "./reader.ts";
import { loadKubeConfig, statusOf } from "./client.ts";

/** The uncached reader underneath the live one; failures are client-node's own errors. */
export type ObjectClient = ClusterReader;

/**
 * An ObjectClient on client-node's generic KubernetesObjectApi: its configuration (in-cluster
 * ServiceAccount or KUBECONFIG, TLS, auth), its discovery cache and its transport, with two
 * changes. Responses stay plain JSON: client-node's model classes drop fields they do not know and
 * turn timestamps into Dates. And every request, discovery included, carries the caller's signal,
 * which the stock read/list/resource methods cannot take.
 */
export async function connectObjects(): Promise<ObjectClient> {
  const k8s = await import("@kubernetes/client-node");
  const config = await loadKubeConfig();

  class PlainObjectApi extends k8s.KubernetesObjectApi {
    async served(kind: KindRef, signal: AbortSignal): Promise<V1APIResource | undefined> {
      const known = this.apiVersionResourceCache[kind.apiVersion]?.resources.find(
        (r) => r.kind === kind.kind,
      );
      if (known) return known;
      try {
        const list = await this.fetchJson<{ resources: V1APIResource[] }>(
          this.apiVersionPath(kind.apiVersion),
          {},
          signal,
        );
        this.apiVersionResourceCache[kind.apiVersion] = {
          ...list,
          kind: "APIResourceList",
          groupVersion: kind.apiVersion,
        };
        return list.resources.find((r) => r.kind === kind.kind);
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    }

    path(kind: KindRef, resource: V1APIResource, namespace: string, name?: string): string {
      const parts = [this.apiVersionPath(kind.apiVersion)];
      if (resource.namespaced && namespace) parts.push("namespaces", encodeURIComponent(namespace));
      parts.push(resource.name);
      if (name !== undefined) parts.push(encodeURIComponent(name));
      return parts.join("/");
    }

    fetchJson<T>(
      path: string,
      query: Record<string, string | undefined>,
      signal: AbortSignal,
    ): Promise<T> {
      const context: RequestContext = this.configuration.baseServer.makeRequestContext(
        path,
        k8s.HttpMethod.GET,
      );
      context.setHeaderParam("Accept", "application/json");
      for (const [key, value] of Object.entries(query))
        if (value) context.setQueryParam(key, value);
      context.setSignal(signal);
      return this.requestPromise(context) as Promise<T>;
    }

    protected override async processResponse<T extends KubernetesObject>(
      response: ResponseContext,
      type?: string,
    ): Promise<T> {
      if (response.httpStatusCode < 200 || response.httpStatusCode > 299)
        return super.processResponse<T>(response, type);
      return JSON.parse(await response.body.text()) as T;
    }
  }

  const api = config.makeApiClient(PlainObjectApi);
  return {
    async get(kind, namespace, name, signal) {
      const resource = await api.served(kind, signal);
      if (!resource) return ABSENT;
      try {
        return await api.fetchJson<KubeObject>(
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
      const list = await api.fetchJson<{ items?: KubeObject[] }>(
        path,
        { labelSelector, fieldSelector },
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
