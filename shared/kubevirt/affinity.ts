import { copyPath } from "../basics/sharing.ts";
import type { NodeInfo } from "./placement.ts";
import type { NodeSelectorRequirement, NodeSelectorTerm, VmiSpec } from "./types.ts";

/** The node label that names the node, for placing a VM on one. */
export const HOSTNAME_LABEL = "kubernetes.io/hostname";

/** The node's `kubernetes.io/hostname` label, which is usually but not always its name. */
export function hostnameOf(node: NodeInfo): string {
  return node.labels[HOSTNAME_LABEL] ?? node.name;
}

/**
 * Pins the VMI spec (changed in place: pass the caller's own copy; what lies under it is copied
 * where it changes, never changed) to one node with required node affinity on
 * `kubernetes.io/hostname`. Required terms are ORed, so the requirement is added to every
 * existing term (each keeps its other requirements); without terms it becomes the only one. A
 * term that already carries exactly this requirement is left as it is.
 */
export function pinToHostname(spec: VmiSpec, hostname: string): VmiSpec {
  const pin: NodeSelectorRequirement = { key: HOSTNAME_LABEL, operator: "In", values: [hostname] };
  const required = copyPath(
    spec,
    "affinity",
    "nodeAffinity",
    "requiredDuringSchedulingIgnoredDuringExecution",
  ) as { nodeSelectorTerms?: NodeSelectorTerm[] };
  const terms = required.nodeSelectorTerms ?? [];
  required.nodeSelectorTerms =
    terms.length === 0 ? [{ matchExpressions: [pin] }] : terms.map((t) => withRequirement(t, pin));
  return spec;
}

function withRequirement(term: NodeSelectorTerm, pin: NodeSelectorRequirement): NodeSelectorTerm {
  const expressions = term.matchExpressions ?? [];
  const present = expressions.some(
    (e) =>
      e.key === pin.key &&
      e.operator === pin.operator &&
      JSON.stringify(e.values ?? []) === JSON.stringify(pin.values),
  );
  return present ? term : { ...term, matchExpressions: [...expressions, pin] };
}
