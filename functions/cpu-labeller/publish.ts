import { ClusterError } from "../../shared/basics/errors.ts";
import { clusterError, statusOf } from "../../shared/kube/api-errors.ts";
import { NODE } from "../../shared/kube/kinds.ts";
import type { OwnedObjects } from "../../shared/kube/api-writes.ts";

export interface PublishResult {
  /** False when the node already carried these labels (and annotations) and nothing was written. */
  changed: boolean;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

/** What cpu-labeller writes on its node: labels, and annotations for what labels cannot hold. */
export interface NodeFacts {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Makes the node carry `labels`; see publishNode. */
export function publishLabels(
  client: OwnedObjects,
  node: string,
  labels: Record<string, string>,
  deadlineMs: number,
): Promise<PublishResult> {
  return publishNode(client, node, { labels }, deadlineMs);
}

/**
 * Makes the node carry the labels and annotations. It reads the node first and patches only on a
 * difference: every node repeats this every interval, and a read is served from the API server's
 * cache while a write, even a no-op one, goes through admission and the audit log. The merge patch
 * names only our keys, so labels and annotations others set between the read and the write are
 * left alone.
 */
export async function publishNode(
  client: OwnedObjects,
  node: string,
  facts: NodeFacts,
  deadlineMs: number,
): Promise<PublishResult> {
  const signal = AbortSignal.timeout(deadlineMs);
  const current = await client
    .read({ kind: NODE, namespace: "", name: node }, signal)
    .catch((error: unknown) => {
      throw publishError(node, "read", error, signal);
    });
  const result = { changed: false, ...facts };
  if (
    carries(current.metadata?.labels, facts.labels) &&
    carries(current.metadata?.annotations, facts.annotations)
  )
    return result;
  await client
    .mergePatch({ kind: NODE, namespace: "", name: node }, { metadata: facts }, signal)
    .catch((error: unknown) => {
      throw publishError(node, "patch", error, signal);
    });
  return { ...result, changed: true };
}

function carries(
  have: Record<string, string> | undefined,
  want: Record<string, string> | undefined,
): boolean {
  return Object.entries(want ?? {}).every(([key, value]) => have?.[key] === value);
}

/**
 * The two causes specific to labelling its own node, a missing node and a refusal naming the
 * ClusterRole; the deadline, an unreachable API and the rest get the shared cluster messages.
 */
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
  return clusterError(`node "${node}"`, error, signal);
}
