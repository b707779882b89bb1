import { parseAllDocuments } from "yaml";
import type { Feature } from "../admission/feature.ts";

/**
 * The functions a MutatingWebhookConfiguration calls, in the order the API server calls them: each
 * entry's `clientConfig.service.path` (`/nested-virt`) names its function. knative/webhooks.yaml is
 * the one source of the chain's order; the preview and the chain test read it from there.
 */
export function webhookChain(yamlText: string): string[] {
  return parseAllDocuments(yamlText)
    .map((doc) => doc.toJS() as { kind?: string; webhooks?: unknown[] } | null)
    .filter((doc) => doc?.kind === "MutatingWebhookConfiguration")
    .flatMap((doc) => (doc?.webhooks ?? []) as { clientConfig?: { service?: { path?: string } } }[])
    .map((hook) => (hook.clientConfig?.service?.path ?? "").replace(/^\//, "").split("?")[0] ?? "");
}

/**
 * The features in chain order; a feature without an entry is switched off, as it is in a cluster
 * where its entry was removed. A chain entry no feature serves is an error, never skipped.
 */
export function inChainOrder(features: readonly Feature[], chain: readonly string[]): Feature[] {
  return chain.map((name) => {
    const feature = features.find((f) => f.name === name);
    if (!feature)
      throw new Error(`the webhook chain calls "${name}", which is no mutating function`);
    return feature;
  });
}
