import type { KubeConfig } from "@kubernetes/client-node";
import type { ApiConnection } from "./api-transport.ts";
import { loadKubeConfig } from "./kubeconfig.ts";
import { inClusterConnection, missingConfiguration } from "./in-cluster.ts";

/**
 * The configuration client-node's loadFromDefault would choose, in its order: KUBECONFIG, then
 * ~/.kube/config, then the pod's ServiceAccount. The last is what every function runs on in the
 * cluster, and it is read here without client-node: its configuration module, heavy at cold
 * start, is loaded only for a kubeconfig, whose authenticators (exec plugins, OIDC, cloud providers) are why it is used.
 */
export async function loadConnection(): Promise<ApiConnection> {
  const missing = missingConfiguration(process.env);
  if (missing) throw missing;
  return inClusterConnection(process.env) ?? kubeConfigConnection(await loadKubeConfig());
}

function kubeConfigConnection(config: KubeConfig): ApiConnection {
  const cluster = config.getCurrentCluster();
  return {
    server: cluster?.server ?? "",
    proxied: Boolean(cluster?.proxyUrl),
    // client-node's authenticators refresh what they hand over (exec plugins, OIDC tokens).
    authorize: (options) => config.applyToHTTPSOptions(options),
  };
}
