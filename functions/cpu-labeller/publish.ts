import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { ClusterError } from "../../shared/admission/errors.ts";
import { clusterError, loadCoreClient, statusOf } from "../../shared/kube/client.ts";
import type { CoreClient } from "../../shared/kube/client.ts";

export interface PublishResult {
  /** False when the node already carried these labels and nothing was written. */
  changed: boolean;
  labels: Record<string, string>;
}

/**
 * Makes the node carry `labels`. It reads the node first and patches only on a difference: every
 * node repeats this every interval, and a read is served from the API server's cache while a
 * write, even a no-op one, goes through admission and the audit log. The merge patch names only
 * our keys, so labels others set between the read and the write are left alone.
 */
export async function publishLabels(
  client: CoreClient,
  node: string,
  labels: Record<string, string>,
  deadlineMs: number,
): Promise<PublishResult> {
  const signal = AbortSignal.timeout(deadlineMs);
  const current = await client.api
    .readNode({ name: node }, client.abortWith(signal))
    .catch((error: unknown) => {
      throw publishError(node, "read", error, signal);
    });
  const have = current.metadata?.labels ?? {};
  if (Object.entries(labels).every(([key, value]) => have[key] === value)) {
    return { changed: false, labels };
  }
  const options = setHeaderOptions(
    "Content-Type",
    PatchStrategy.MergePatch,
    client.abortWith(signal),
  );
  await client.api
    .patchNode({ name: node, body: { metadata: { labels } } }, options)
    .catch((error: unknown) => {
      throw publishError(node, "patch", error, signal);
    });
  return { changed: true, labels };
}

/** The client from the standard configuration; a broken configuration says which setting to fix. */
export async function connect(): Promise<CoreClient> {
  try {
    return await loadCoreClient();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ClusterError(
      `could not load the Kubernetes client configuration (${detail})`,
      "in the cluster leave KUBECONFIG unset so the pod's ServiceAccount is used; elsewhere point KUBECONFIG at a readable kubeconfig",
      { cause: error },
    );
  }
}

/** The shared cluster messages, with the two causes that are specific to labelling its own node. */
function publishError(
  node: string,
  verb: "read" | "patch",
  error: unknown,
  signal: AbortSignal,
): ClusterError {
  const status = statusOf(error);
  if (status === 404) {
    return new ClusterError(
      `node "${node}" does not exist in the cluster`,
      "set NODE_NAME from the pod's spec.nodeName through the downward API (fieldRef), as knative/cpu-labeller.yaml does",
      { cause: error },
    );
  }
  if (status === 401 || status === 403) {
    return new ClusterError(
      `the Kubernetes API refused to let the function ${verb} node "${node}" (HTTP ${status})`,
      "bind the cpu-labeller ServiceAccount to the ClusterRole in knative/cpu-labeller.yaml (nodes: get, patch)",
      { cause: error },
    );
  }
  if (signal.aborted) {
    return new ClusterError(
      `the ${verb} of node "${node}" took longer than the publish deadline`,
      "check the API server's health from this node, or raise CLUSTER_LOOKUP_DEADLINE_MS",
      { cause: error },
    );
  }
  const reason = networkReason(error);
  if (status === undefined && reason !== undefined) {
    return new ClusterError(
      `could not reach the Kubernetes API to ${verb} node "${node}" (${reason})`,
      "check that the API server is reachable from this node (in-cluster config or KUBECONFIG)",
      { cause: error },
    );
  }
  return clusterError(`node "${node}"`, error, signal);
}

/** fetch says only "fetch failed"; the socket's error code underneath is what tells causes apart. */
function networkReason(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === "string" ? cause.code : undefined;
}
