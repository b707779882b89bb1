import type { KubeConfig } from "@kubernetes/client-node";
import { ClusterError } from "../basics/errors.ts";

/**
 * client-node's standard configuration (in-cluster ServiceAccount, else KUBECONFIG). client-node
 * is imported on first use: it is the largest module a function loads, and functions that never
 * reach the cluster must not pay for it at cold start. A configuration that cannot be loaded is a
 * ClusterError that says which setting to fix.
 */
export async function loadKubeConfig(): Promise<KubeConfig> {
  // The module alone, not the package: the package's index brings every API class and model.
  const { KubeConfig } = await import("@kubernetes/client-node/dist/config.js");
  const config = new KubeConfig();
  try {
    config.loadFromDefault();
    if (!config.getCurrentCluster()) throw new Error("No active cluster!");
    return config;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ClusterError(
      `could not load the Kubernetes client configuration (${detail})`,
      "in the cluster leave KUBECONFIG unset so the pod's ServiceAccount is used; elsewhere point KUBECONFIG at a readable kubeconfig",
      { cause: error },
    );
  }
}
