// Knative Serving's own webhook (knative.dev/serving/cmd/webhook, built from the pinned module)
// against a control plane, so Services meet Knative's defaulting and validation as on a cluster
// that runs Knative: its namespace, config-* ConfigMaps, certificate Secret and webhook
// configurations come from the module, and its Service is an ExternalName to this machine.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { Api, KubeObject } from "./api.ts";
import { ROOT } from "./binaries.ts";
import { go, pinsKey } from "./go-command.ts";
import { KNATIVE_MODULE, knativeServingDir } from "./knative-crds.ts";
import { freePort, startProcess, waitUntil } from "./processes.ts";

export const KNATIVE_NAMESPACE = "knative-serving";
const CONFIGURATIONS = ["defaulting", "resource-validation", "configmap-validation"];

export interface KnativeWebhook {
  log: string;
  /** Stops the webhook and removes its webhook configurations, which would fail every request. */
  stop(): Promise<void>;
}

/** The webhook's binary for the current pins, built once into .cluster/knative/<hash>/. */
export async function knativeWebhookBinary(): Promise<string> {
  const key = pinsKey(KNATIVE_MODULE, ["go.mod", "go.sum"]);
  const output = join(ROOT, ".cluster", "knative", key, "webhook");
  if (existsSync(output)) return output;
  mkdirSync(dirname(output), { recursive: true });
  process.stderr.write("crds: building Knative Serving's webhook (once for these pins) ...\n");
  const pkg = "knative.dev/serving/cmd/webhook";
  await go(
    ["build", "-trimpath", "-o", `${output}.partial`, pkg],
    KNATIVE_MODULE,
    `go build ${pkg}`,
  );
  renameSync(`${output}.partial`, output);
  return output;
}

function documents(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);
}

/** A webhook configuration whose entries reach the webhook's Service on `port`. */
function onPort(configuration: KubeObject, port: number): KubeObject {
  const copy = structuredClone(configuration) as KubeObject & {
    webhooks: { clientConfig: { service: Record<string, unknown> } }[];
  };
  for (const webhook of copy.webhooks) webhook.clientConfig.service["port"] = port;
  return copy;
}

/**
 * What the webhook needs in the cluster, from the module's config/core: its namespace, the
 * config-* ConfigMaps, the Secret its certificate controller fills, its Service (an ExternalName
 * to 127.0.0.1, where it listens on `port`) and its three webhook configurations.
 */
export async function knativeWebhookObjects(port: number): Promise<KubeObject[]> {
  const core = join(await knativeServingDir(), "config", "core");
  const configMaps = readdirSync(join(core, "configmaps"))
    .filter((file) => file.endsWith(".yaml"))
    .sort()
    .flatMap((file) => documents(join(core, "configmaps", file)));
  const service: KubeObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "webhook", namespace: KNATIVE_NAMESPACE },
    spec: { type: "ExternalName", externalName: "127.0.0.1", ports: [{ name: "https", port }] },
  };
  const configurations = CONFIGURATIONS.flatMap((name) =>
    documents(join(core, "webhooks", `${name}.yaml`)),
  ).map((configuration) => onPort(configuration, port));
  return [
    ...documents(join(core, "100-namespace.yaml")),
    ...configMaps,
    ...documents(join(core, "webhooks", "secret.yaml")),
    service,
    ...configurations,
  ];
}

/** A minimal Service, created with dryRun: defaulted by the webhook once the API server calls it. */
const PROBE: KubeObject = {
  apiVersion: "serving.knative.dev/v1",
  kind: "Service",
  metadata: { name: "webhook-probe", namespace: KNATIVE_NAMESPACE },
  spec: { template: { spec: { containers: [{ image: "probe" }] } } },
};

async function defaults(admin: Api): Promise<boolean> {
  const answer = await admin.create<{ spec?: { traffic?: unknown } }>(PROBE, "?dryRun=All");
  return answer.spec?.traffic !== undefined;
}

/**
 * Installs and starts Knative's webhook with the admin's kubeconfig (as its controller runs with
 * its ServiceAccount); resolves once the API server sends it Services.
 */
export async function startKnativeWebhook(
  admin: Api,
  kubeconfigPath: string,
  log: string,
): Promise<KnativeWebhook> {
  const [binary, port, profiling] = [
    await knativeWebhookBinary(),
    await freePort(),
    await freePort(),
  ];
  const objects = await knativeWebhookObjects(port);
  for (const object of objects) await admin.apply(object);
  const env = {
    ...process.env,
    SYSTEM_NAMESPACE: KNATIVE_NAMESPACE,
    WEBHOOK_NAME: "webhook",
    WEBHOOK_PORT: String(port),
    PROFILING_PORT: String(profiling),
    POD_NAME: "webhook-local",
    CONFIG_LOGGING_NAME: "config-logging",
    CONFIG_OBSERVABILITY_NAME: "config-observability",
  };
  const running = startProcess(
    "knative webhook",
    [binary, "--kubeconfig", kubeconfigPath],
    log,
    env,
  );
  const stop = async (): Promise<void> => {
    await running.stop();
    for (const configuration of objects.filter((o) => o.kind.endsWith("WebhookConfiguration")))
      await admin.delete(
        configuration.apiVersion,
        configuration.kind,
        undefined,
        configuration.metadata.name ?? "",
      );
  };
  try {
    await waitUntil(running, () => defaults(admin), 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { log, stop };
}
