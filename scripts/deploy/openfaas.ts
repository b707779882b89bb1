import { stringify } from "yaml";
import type { FunctionDeployment } from "./knative-services.ts";

const HEADER = `# Rendered from the chart's Knative Services by \`npm run render\`: change the chart, not this file.
# The same functions on OpenFaaS instead of Knative (docs/openfaas.md says what differs):
#   faas-cli deploy -f openfaas/stack.yml
#   faas-cli generate -f openfaas/stack.yml | kubectl apply -f -   (Function CRs, for GitOps)
# One image for all of them: FUNCTION_TARGET picks the function. It serves plain HTTP on 8080 and
# answers any GET with its health, so OpenFaaS's probes need no watchdog.
`;

// Settings that name the namespace the functions run in: openfaas-fn on OpenFaaS.
const NAMESPACE_SETTINGS = new Set(["NESTED_VIRT_RULES_NAMESPACE", "POD_NAMESPACE"]);

/** openfaas/stack.yml for `deployments`, byte-stable for the same input. */
export function openfaasStack(deployments: readonly FunctionDeployment[]): string {
  const functions = Object.fromEntries(deployments.map((d) => [d.name, stackEntry(d)]));
  const stack = {
    version: "1.0",
    provider: { name: "openfaas", gateway: "http://127.0.0.1:8080" },
    functions,
  };
  return HEADER + stringify(stack, { lineWidth: 0 });
}

function stackEntry(d: FunctionDeployment): Record<string, unknown> {
  const environment = Object.fromEntries(
    Object.entries(d.env).map(([k, v]) => [k, NAMESPACE_SETTINGS.has(k) ? "openfaas-fn" : v]),
  );
  return {
    lang: "dockerfile",
    handler: ".",
    image: d.image,
    readonly_root_filesystem: d.readOnlyRootFilesystem,
    environment,
    annotations: {
      "com.openfaas.serviceaccount": d.serviceAccount,
      "com.openfaas.health.http.path": "/healthz",
      "com.openfaas.ready.http.path": "/healthz",
    },
    labels: {
      // Scale to zero needs OpenFaaS Standard; on Community Edition one replica stays up.
      "com.openfaas.scale.min": "1",
      "com.openfaas.scale.zero": "true",
      "com.openfaas.scale.zero-duration": d.scaleToZeroAfter,
    },
    ...(Object.keys(d.requests).length ? { requests: d.requests } : {}),
    ...(Object.keys(d.limits).length ? { limits: d.limits } : {}),
  };
}
