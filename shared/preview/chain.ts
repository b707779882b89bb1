import type { Feature } from "../admission/feature.ts";
import type { WebhookEntry } from "../webhooks/entry.ts";
import { functionOf } from "../webhooks/entry.ts";

/** A webhook entry and the function it calls. */
export interface ChainLink {
  entry: WebhookEntry;
  feature: Feature;
}

/**
 * The features in chain order, each with its entry; a feature without an entry is switched off,
 * as it is in a cluster where its entry was removed. A chain entry no feature serves is an error,
 * never skipped.
 */
export function inChainOrder(
  features: readonly Feature[],
  entries: readonly WebhookEntry[],
): ChainLink[] {
  return entries.map((entry) => {
    const name = functionOf(entry);
    const feature = features.find((f) => f.name === name);
    if (!feature)
      throw new Error(`the webhook chain calls "${name}", which is no mutating function`);
    return { entry, feature };
  });
}
