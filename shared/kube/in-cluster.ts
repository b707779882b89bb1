import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ClusterError } from "../basics/errors.ts";
import type { ApiConnection } from "./api-transport.ts";

/** Where the kubelet mounts a pod's ServiceAccount token and the cluster's CA. */
export const SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

/** client-go and client-node both re-read the token file at most once a minute. */
const TOKEN_REREAD_MS = 60_000;

const FIX =
  "run the function in a pod whose ServiceAccount token is mounted (automountServiceAccountToken), or point KUBECONFIG at a kubeconfig";

/**
 * The pod's ServiceAccount as client-node's loadFromCluster reads it, when it is what its
 * loadFromDefault would choose: KUBECONFIG unset or empty, no ~/.kube/config, and a token mounted
 * at `root`. Undefined otherwise, so that a kubeconfig keeps going through client-node. The token
 * is re-read when a minute old, as the kubelet rotates it; a re-read that fails keeps the last one
 * (the kubelet swaps the file, it does not empty it).
 */
export function inClusterConnection(
  env: NodeJS.ProcessEnv,
  root = SERVICE_ACCOUNT,
  clock: () => number = Date.now,
): ApiConnection | undefined {
  const tokenFile = join(root, "token");
  if (!chosen(env, tokenFile)) return undefined;
  const host = env["KUBERNETES_SERVICE_HOST"];
  const port = env["KUBERNETES_SERVICE_PORT"];
  if (!host || !port) {
    throw new ClusterError(
      "the ServiceAccount token is mounted but KUBERNETES_SERVICE_HOST or KUBERNETES_SERVICE_PORT is unset",
      FIX,
    );
  }
  const ca = readOrExplain(join(root, "ca.crt"), "the cluster's CA");
  const token = rereadEveryMinute(tokenFile, clock);
  // As client-node: plain HTTP on the ports kubectl proxy and insecure API servers listen on.
  const scheme = ["80", "8080", "8001"].includes(port) ? "http" : "https";
  return {
    server: `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}`,
    proxied: false,
    authorize(options) {
      options.ca = ca;
      options.headers = { ...options.headers, authorization: `Bearer ${token()}` };
      return Promise.resolve();
    },
  };
}

/**
 * The error for a process with no cluster configuration at all: KUBECONFIG unset, no
 * ~/.kube/config and no mounted token. client-node would then fall back on http://localhost:8080
 * and refuse it with a message about TLS that names none of the three.
 */
export function missingConfiguration(
  env: NodeJS.ProcessEnv,
  root = SERVICE_ACCOUNT,
): ClusterError | undefined {
  const home = env["HOME"] ? join(env["HOME"], ".kube", "config") : "~/.kube/config";
  if (env["KUBECONFIG"] || existsSync(home) || existsSync(join(root, "token"))) return undefined;
  return new ClusterError(
    `no cluster configuration: KUBECONFIG is unset, there is no ${home} and no ServiceAccount token at ${root}`,
    "set KUBECONFIG to the cluster's kubeconfig (the one kubectl uses), or run the function in a pod with its ServiceAccount token mounted",
  );
}

// loadFromDefault's order: KUBECONFIG (unless empty), then ~/.kube/config, then the mounted token.
function chosen(env: NodeJS.ProcessEnv, tokenFile: string): boolean {
  if (env["KUBECONFIG"]) return false;
  if (env["HOME"] && existsSync(join(env["HOME"], ".kube", "config"))) return false;
  return existsSync(tokenFile);
}

function rereadEveryMinute(tokenFile: string, clock: () => number): () => string {
  let token = readOrExplain(tokenFile, "the ServiceAccount token").toString("utf8").trim();
  let readAt = clock();
  return () => {
    if (clock() - readAt < TOKEN_REREAD_MS) return token;
    readAt = clock();
    try {
      token = readFileSync(tokenFile, "utf8").trim();
    } catch {
      // The last token stays until the next minute's read.
    }
    return token;
  };
}

function readOrExplain(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ClusterError(`could not read ${what} (${detail})`, FIX, { cause: error });
  }
}
