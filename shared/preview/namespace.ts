import type { KubeObject } from "../basics/kube-object.ts";
import { NAMESPACE } from "../kube/kinds.ts";
import type { ClusterReader } from "../kube/reader.ts";
import { ABSENT } from "../kube/reader.ts";

// What the API server knows of an object's namespace before any webhook: its NamespaceLifecycle
// plugin refuses an object in a namespace that does not exist, and namespaceSelectors match the
// namespace's labels.

/** The namespaces kube-apiserver makes itself at start and keeps (its system namespaces). */
const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** The namespace's labels, or the API server's answer when it does not exist. */
export type NamespaceLookup = { labels: Record<string, string> } | { refused: string };

const namespacesOf = async (cluster: ClusterReader): Promise<KubeObject[]> => {
  const listed = await cluster.list(NAMESPACE, {}, AbortSignal.timeout(3000));
  return listed === ABSENT ? [] : listed;
};

/**
 * A namespace's labels as the API server matches namespaceSelectors: the snapshot's Namespace
 * object, if it holds one, and always `kubernetes.io/metadata.name`, which the server sets.
 */
export async function namespaceLabels(
  cluster: ClusterReader,
  name: string,
): Promise<Record<string, string>> {
  const namespace = (await namespacesOf(cluster)).find((n) => n.metadata?.name === name);
  return { ...namespace?.metadata?.labels, "kubernetes.io/metadata.name": name };
}

/**
 * The namespace as the API server sees it. A snapshot that lists Namespaces lists them all, so
 * one it lacks does not exist (but those the server makes itself); a snapshot without any says
 * nothing of them, and every namespace is taken to exist (`unknownNamespaces` warns of it).
 */
export async function lookUpNamespace(
  cluster: ClusterReader,
  name: string,
): Promise<NamespaceLookup> {
  const namespaces = await namespacesOf(cluster);
  const known =
    namespaces.length === 0 ||
    SYSTEM_NAMESPACES.includes(name) ||
    namespaces.some((n) => n.metadata?.name === name);
  if (!known) return { refused: `namespaces "${name}" not found` };
  return { labels: await namespaceLabels(cluster, name) };
}

/** Whether the snapshot holds no Namespace, so that no namespace's labels are known. */
export async function unknownNamespaces(cluster: ClusterReader): Promise<boolean> {
  return (await namespacesOf(cluster)).length === 0;
}
