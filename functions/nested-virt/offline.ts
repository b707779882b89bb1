import type { ClusterSnapshot } from "../../shared/preview/snapshot.ts";
import type { ClusterSettings } from "./cluster.ts";
import type { NestedVirtSource } from "./feature.ts";
import { NO_RULES, parseRules } from "./rules.ts";

/** The feature's cluster view read from a snapshot, for the preview. */
export function snapshotSource(
  snapshot: ClusterSnapshot,
  settings: Pick<ClusterSettings, "rulesConfigMap">,
): NestedVirtSource {
  const ref = settings.rulesConfigMap;
  const cm = snapshot.configMaps.find((c) => c.namespace === ref.namespace && c.name === ref.name);
  const rules = cm ? parseRules(cm.data, `ConfigMap ${ref.namespace}/${ref.name}`) : NO_RULES;
  return { rules: () => Promise.resolve(rules), nodes: () => Promise.resolve(snapshot.nodes) };
}
