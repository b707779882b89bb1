import { ClusterError } from "../basics/errors.ts";

/** The HTTP status of a failed API call, if the server answered at all. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

/** Turns any failure of a lookup into a message that says what was read and what to do. */
export function clusterError(what: string, error: unknown, signal?: AbortSignal): ClusterError {
  return failure(what, error, signal, READ);
}

/** The same for the few writes functions make: what was written, and what to do. */
export function clusterWriteError(
  what: string,
  error: unknown,
  signal: AbortSignal,
  verb: "create" | "update",
): ClusterError {
  return failure(what, error, signal, WRITE[verb]);
}

interface Words {
  verb: string;
  doing: string;
  through: string;
}

const READ: Words = { verb: "read", doing: "reading", through: "from" };
const WRITE: Record<"create" | "update", Words> = {
  create: { verb: "create", doing: "creating", through: "through" },
  update: { verb: "update", doing: "updating", through: "through" },
};

function failure(
  what: string,
  error: unknown,
  signal: AbortSignal | undefined,
  { verb, doing, through }: Words,
): ClusterError {
  const status = statusOf(error);
  if (status === 401 || status === 403) {
    return new ClusterError(
      `the Kubernetes API refused to let the function ${verb} ${what} (HTTP ${status})`,
      "grant the function's ServiceAccount the RBAC in knative/ (get/list on that resource)",
      { cause: error },
    );
  }
  if (signal?.aborted || isTimeout(error)) {
    return new ClusterError(
      `${doing} ${what} ${through} the Kubernetes API took longer than the lookup deadline`,
      "check the API server's health, or raise CLUSTER_LOOKUP_DEADLINE_MS (keep it under the webhook timeoutSeconds)",
      { cause: error },
    );
  }
  const fix =
    "check that the API server is reachable from the function (in-cluster config or KUBECONFIG)";
  const code = networkCode(error);
  if (status === undefined && code !== undefined) {
    return new ClusterError(
      `could not reach the Kubernetes API to ${verb} ${what} (${code})`,
      fix,
      {
        cause: error,
      },
    );
  }
  const detail = status ? `HTTP ${status}` : error instanceof Error ? error.message : String(error);
  return new ClusterError(
    `could not ${verb} ${what} ${through} the Kubernetes API (${detail})`,
    fix,
    {
      cause: error,
    },
  );
}

function isTimeout(error: unknown): boolean {
  const named = (e: unknown): boolean => (e as { name?: unknown } | null)?.name === "TimeoutError";
  return named(error) || named((error as { cause?: unknown } | null)?.cause);
}

/**
 * The socket's code (ECONNREFUSED, ENOTFOUND, ECONNRESET, ...) is what tells a down API server from
 * a wrong address or a dropped connection: on node:https's error itself, under fetch's "fetch
 * failed" as its cause.
 */
function networkCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown } | null)?.code;
  if (typeof own === "string") return own;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === "string" ? cause.code : undefined;
}
