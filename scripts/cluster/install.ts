// Installs the product from the shipped manifests the way a user does (server-side apply), with
// only what the cluster's own controllers and cert-manager would add filled in here.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { syncRulesNamespaces } from "../../functions/nested-virt/webhook-namespaces.ts";
import { KNATIVE_DIR, manifestDocuments } from "../../test/helpers/manifests.ts";
import { parseObjects } from "../../shared/preview/snapshot.ts";
import type { Api, KubeObject } from "./api.ts";

const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));
const CLUSTER_EXAMPLE = join(EXAMPLES, "cluster.yaml");
const FIRST = ["CustomResourceDefinition", "Namespace", "ServiceAccount"];

async function established(admin: Api, name: string): Promise<boolean> {
  const crd = await admin.get<{ status?: { conditions?: { type: string; status: string }[] } }>(
    "apiextensions.k8s.io/v1",
    "CustomResourceDefinition",
    undefined,
    name,
  );
  return (crd?.status?.conditions ?? []).some(
    (c) => c.type === "Established" && c.status === "True",
  );
}

/** Applies CRDs and waits until each is Established (served). */
export async function installCrds(admin: Api, crds: readonly KubeObject[]): Promise<void> {
  await Promise.all(crds.map((crd) => admin.apply(crd)));
  for (const crd of crds) {
    const name = crd.metadata.name ?? "";
    const deadline = Date.now() + 20_000;
    while (!(await established(admin, name))) {
      if (Date.now() > deadline) throw new Error(`CRD ${name} was not Established within 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * What the controller manager makes for every namespace: its `default` ServiceAccount (the API
 * server's ServiceAccount admission refuses pods in a namespace without one).
 */
export async function ensureDefaultServiceAccounts(admin: Api): Promise<void> {
  const namespaces = await admin.ok<{
    items: { metadata: { name: string }; status?: { phase?: string } }[];
  }>("GET", "/api/v1/namespaces");
  const accounts = await admin.ok<{ items: { metadata: { namespace: string } }[] }>(
    "GET",
    "/api/v1/serviceaccounts?fieldSelector=metadata.name%3Ddefault",
  );
  const have = new Set(accounts.items.map((a) => a.metadata.namespace));
  const missing = namespaces.items.filter(
    (ns) => !have.has(ns.metadata.name) && ns.status?.phase !== "Terminating",
  );
  await Promise.all(
    missing.map(async (ns) => {
      const answer = await admin.send(
        "POST",
        `/api/v1/namespaces/${ns.metadata.name}/serviceaccounts`,
        {
          apiVersion: "v1",
          kind: "ServiceAccount",
          metadata: { name: "default" },
        },
      );
      if (answer.status !== 201 && answer.status !== 409)
        throw new Error(`default ServiceAccount of ${ns.metadata.name}: HTTP ${answer.status}`);
    }),
  );
}

/** The shipped objects of knative/*.yaml in install order, the webhook configuration left out. */
export function shippedObjects(): KubeObject[] {
  const objects = manifestDocuments()
    .map(({ doc }) => doc as KubeObject)
    .filter((doc) => doc.kind !== "MutatingWebhookConfiguration");
  const rank = (o: KubeObject): number =>
    FIRST.includes(o.kind) ? FIRST.indexOf(o.kind) : FIRST.length;
  return objects.sort((a, b) => rank(a) - rank(b));
}

/**
 * The shipped webhook configuration as an operator deploys it for `cluster`: nested-virt's
 * namespace list written from its rules ConfigMap (npm run sync-rules-namespaces), and the caBundle
 * cert-manager's injector fills. Nothing else changes.
 */
export function webhookConfiguration(caBundle: string, cluster: readonly KubeObject[]): KubeObject {
  const synced = syncRulesNamespaces(
    cluster as never,
    readFileSync(`${KNATIVE_DIR}webhooks.yaml`, "utf8"),
  );
  const found = parseAllDocuments(synced)
    .map((doc) => doc.toJS() as KubeObject | null)
    .find((doc) => doc?.kind === "MutatingWebhookConfiguration");
  if (!found) throw new Error("knative/webhooks.yaml holds no MutatingWebhookConfiguration");
  const configuration = structuredClone(found) as KubeObject & {
    webhooks: { clientConfig: Record<string, unknown> }[];
  };
  for (const webhook of configuration.webhooks) {
    webhook.clientConfig["caBundle"] = Buffer.from(caBundle).toString("base64");
  }
  return configuration;
}

/**
 * The front door's Service as this machine reaches it: an ExternalName naming the loopback
 * address nginx listens on. The API server dials `<externalName>:<the entry's port>` and still
 * checks the certificate against `<service>.<namespace>.svc`.
 */
export function frontDoorService(service: KubeObject, address: string): KubeObject {
  const ports = (service["spec"] as { ports?: { name?: string; port: number }[] }).ports ?? [];
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { ...service.metadata },
    spec: {
      type: "ExternalName",
      externalName: address,
      ports: ports.map(({ name, port }) => ({ name, port })),
    },
  };
}

/** The objects of examples/cluster.yaml that no controller makes here: nodes, KubeVirt CR, ... */
export function exampleClusterObjects(file = CLUSTER_EXAMPLE): KubeObject[] {
  const list = parseAllDocuments(readFileSync(file, "utf8"))[0]?.toJS() as { items: KubeObject[] };
  return list.items.map((item) => {
    const metadata = { ...item.metadata };
    // The server assigns uids; a uid in an apply body is a precondition on an existing object.
    delete metadata["uid"];
    return { ...item, metadata };
  });
}

/** The namespace of every example object, which `kubectl apply -f examples/...` needs to exist. */
export function exampleNamespaces(dir = EXAMPLES): KubeObject[] {
  const objects = readdirSync(dir)
    .filter((file) => file.endsWith(".yaml"))
    .flatMap((file) => parseObjects(readFileSync(join(dir, file), "utf8"), file));
  return namespacesOf(objects as never);
}

/** Namespaces the objects live in that the API server has not made itself. */
export function namespacesOf(objects: readonly KubeObject[]): KubeObject[] {
  const names = new Set(
    objects.map((o) => o.metadata.namespace).filter((n): n is string => n !== undefined),
  );
  return [...names].map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } }));
}

/** Applies objects one by one, in order; a failure names the object and the server's message. */
export async function applyAll(admin: Api, objects: readonly KubeObject[]): Promise<void> {
  for (const object of objects) {
    try {
      await admin.apply(object);
    } catch (error) {
      const { kind, metadata } = object;
      const where = metadata.namespace ? `${metadata.namespace}/` : "";
      throw new Error(
        `applying ${kind} ${where}${metadata.name ?? ""}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}
