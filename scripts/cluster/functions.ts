// Every shipped Knative Service run as its container runs it: `node dist/main.js` with the
// Service's environment, on its own ServiceAccount's token (TokenRequest API) mounted where the
// kubelet mounts it, and KUBERNETES_SERVICE_HOST/PORT pointing at the API server.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { manifestDocuments } from "../../test/helpers/manifests.ts";
import type { Doc } from "../../test/helpers/manifests.ts";
import { inPodMounts } from "../../test/helpers/pod-mounts.ts";
import { startFunction } from "../../test/helpers/function-process.ts";
import type { RunningFunction } from "../../test/helpers/function-process.ts";
import type { Api } from "./api.ts";
import type { ControlPlane } from "./control-plane.ts";

export const NAMESPACE = "vm-feature-functions";
const TOKEN_SECONDS = 24 * 3600;

interface EnvVar {
  name: string;
  value?: string;
}

export interface KnativeFunction {
  name: string;
  serviceAccount: string;
  env: Record<string, string>;
}

/** The Knative Services of knative/*.yaml: name, ServiceAccount and literal environment. */
export function knativeFunctions(
  docs: readonly Doc[] = manifestDocuments().map((m) => m.doc),
): KnativeFunction[] {
  return docs
    .filter((doc) => doc.apiVersion === "serving.knative.dev/v1" && doc.kind === "Service")
    .map((doc) => {
      const spec = (doc["spec"] as { template: { spec: Record<string, unknown> } }).template.spec;
      const container = (spec["containers"] as { env?: EnvVar[] }[])[0];
      const env = Object.fromEntries(
        (container?.env ?? [])
          .filter((e) => e.value !== undefined)
          .map((e) => [e.name, e.value ?? ""]),
      );
      return {
        name: doc.metadata?.name ?? "",
        serviceAccount: (spec["serviceAccountName"] as string | undefined) ?? "default",
        env,
      };
    });
}

/**
 * A token for `serviceAccount` from the TokenRequest API, optionally bound to a Pod (whose node
 * the token then names), written with the cluster CA and namespace as the kubelet projects them.
 */
export async function mountServiceAccount(
  admin: Api,
  plane: Pick<ControlPlane, "ca">,
  at: {
    dir: string;
    namespace: string;
    serviceAccount: string;
    pod?: { name: string; uid: string };
  },
): Promise<string> {
  const { namespace, serviceAccount, pod } = at;
  const request = {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec: {
      expirationSeconds: TOKEN_SECONDS,
      ...(pod
        ? { boundObjectRef: { apiVersion: "v1", kind: "Pod", name: pod.name, uid: pod.uid } }
        : {}),
    },
  };
  const answer = await admin.ok<{ status: { token: string } }>(
    "POST",
    `/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`,
    request,
  );
  mkdirSync(at.dir, { recursive: true });
  writeFileSync(join(at.dir, "token"), answer.status.token, { mode: 0o600 });
  writeFileSync(join(at.dir, "ca.crt"), plane.ca);
  writeFileSync(join(at.dir, "namespace"), namespace);
  return answer.status.token;
}

/** Starts one function on its ServiceAccount; resolves once it serves. */
export async function startClusterFunction(
  fn: KnativeFunction,
  plane: ControlPlane,
  dir: string,
): Promise<RunningFunction> {
  const home = join(dir, fn.name);
  const account = join(home, "serviceaccount");
  await mountServiceAccount(plane.admin, plane, {
    dir: account,
    namespace: NAMESPACE,
    serviceAccount: fn.serviceAccount,
  });
  const env = {
    ...fn.env,
    NODE_ENV: "production",
    K_SERVICE: fn.name,
    KUBERNETES_SERVICE_HOST: "127.0.0.1",
    KUBERNETES_SERVICE_PORT: String(plane.port),
    // A HOME without ~/.kube/config: the mounted token is what the client chooses, as in a pod.
    HOME: home,
  };
  return startFunction(fn.name, env, "dist/main.js", (argv) => inPodMounts(account, argv));
}
