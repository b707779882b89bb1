import type { KubeConfig } from "@kubernetes/client-node";
import type { RequestOptions } from "node:https";
import { loadKubeConfig } from "./client.ts";
import { inClusterConnection, missingConfiguration } from "./in-cluster.ts";

/** Where the API server is, and what each request to it carries. */
export interface ApiConnection {
  /** The server's URL; it may carry a path of its own (API proxies do). */
  readonly server: string;
  /** Requests go through a proxy: its agent is used as given, never swapped for a keep-alive one. */
  readonly proxied: boolean;
  /** Puts TLS material, credentials and (through a proxy) the agent on one request's options. */
  authorize(options: RequestOptions): Promise<void>;
}

/**
 * The configuration client-node's loadFromDefault would choose, in its order: KUBECONFIG, then
 * ~/.kube/config, then the pod's ServiceAccount. The last is what every function runs on in the
 * cluster, and it is read here without client-node: its configuration module (0.9 MB bundled,
 * 25-45 ms of a cold start even from the compile cache, npm run bench) is loaded only for a
 * kubeconfig, whose authenticators (exec plugins, OIDC, cloud providers) are why it is used.
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
