import { parseAllDocuments } from "yaml";
import { checkSelector } from "./selector.ts";

/** A LabelSelector of a webhook entry (metav1.LabelSelector). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** One rule of an entry: `resources` may name a subresource (pods/status, or every one with "/*"). */
export interface Rule {
  apiGroups: string[];
  apiVersions: string[];
  operations: string[];
  resources: string[];
  scope?: "Namespaced" | "Cluster" | "*";
}

/** One entry of a MutatingWebhookConfiguration, as far as the API server's dispatch reads it. */
export interface WebhookEntry {
  name: string;
  clientConfig: { service?: { path?: string } };
  rules?: Rule[];
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  matchConditions?: { name: string; expression: string }[];
  failurePolicy?: "Fail" | "Ignore";
  /** Equivalent (the API server's default) also selects the rules' resources at other versions. */
  matchPolicy?: "Exact" | "Equivalent";
  [key: string]: unknown;
}

/** The function an entry calls: its `clientConfig.service.path` (`/nested-virt`) names it. */
export function functionOf(entry: WebhookEntry): string {
  return (entry.clientConfig.service?.path ?? "").replace(/^\//, "").split("?")[0] ?? "";
}

/**
 * The entries of every MutatingWebhookConfiguration in a YAML file, in the order the API server
 * calls them. knative/webhooks.yaml is the one source of the chain's order; the preview and the
 * chain test read it from there. A file with no MutatingWebhookConfiguration is an error: it is
 * most likely the wrong file.
 */
export function webhookEntries(yamlText: string, source: string): WebhookEntry[] {
  const configurations = parseAllDocuments(yamlText)
    .map((doc) => doc.toJS() as { kind?: string; webhooks?: unknown[] } | null)
    .filter((doc) => doc?.kind === "MutatingWebhookConfiguration");
  if (configurations.length === 0)
    throw new Error(
      `${source} holds no MutatingWebhookConfiguration; give knative/webhooks.yaml or a copy of it`,
    );
  const entries = configurations.flatMap((doc) =>
    ((doc?.webhooks ?? []) as Partial<WebhookEntry>[]).map((hook) => ({
      ...hook,
      name: hook.name ?? "",
      clientConfig: hook.clientConfig ?? {},
    })),
  );
  for (const entry of entries) checkSelectors(entry, source);
  return entries;
}

/** An entry's selectors, checked when the file is read rather than when an object reaches them. */
function checkSelectors(entry: WebhookEntry, source: string): void {
  for (const field of ["namespaceSelector", "objectSelector"] as const) {
    try {
      checkSelector(entry[field]);
    } catch (error) {
      throw new Error(`${source}: webhook ${entry.name}: ${field}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}
