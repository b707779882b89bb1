import type { CoreClient } from "./client.ts";
import { clusterError, statusOf } from "./client.ts";

export interface NodeLabels {
  name: string;
  labels: Record<string, string>;
}

export interface ConfigMapData {
  data: Record<string, string>;
  resourceVersion: string;
}

/** Every node's name and labels; only what placement decisions need is kept in memory. */
export async function readNodeLabels(
  client: CoreClient,
  signal: AbortSignal,
): Promise<NodeLabels[]> {
  try {
    const list = await client.api.listNode({}, client.abortWith(signal));
    return list.items.map((n) => ({
      name: n.metadata?.name ?? "",
      labels: n.metadata?.labels ?? {},
    }));
  } catch (error) {
    throw clusterError("nodes", error, signal);
  }
}

/** A ConfigMap's data; undefined when it does not exist (an absent ConfigMap is no configuration). */
export async function readConfigMap(
  client: CoreClient,
  ref: { namespace: string; name: string },
  signal: AbortSignal,
): Promise<ConfigMapData | undefined> {
  try {
    const cm = await client.api.readNamespacedConfigMap(ref, client.abortWith(signal));
    return { data: cm.data ?? {}, resourceVersion: cm.metadata?.resourceVersion ?? "" };
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw clusterError(`ConfigMap ${ref.namespace}/${ref.name}`, error, signal);
  }
}
