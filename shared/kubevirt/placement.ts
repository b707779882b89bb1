import type { KubeObject } from "../basics/kube-object.ts";
import { derivedPerRead } from "../kube/derived.ts";
import type { Absent } from "../kube/reader.ts";
import { ABSENT } from "../kube/reader.ts";
import type { NodeSelectorRequirement, NodeSelectorTerm, VmiSpec } from "./types.ts";

const TERMS =
  "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";

/** The VM fields placement reads: a feature that places a VM declares them, to have them checked. */
export const PLACEMENT_FIELDS = [
  "spec.template.spec.nodeSelector",
  `${TERMS}[].matchExpressions`,
  `${TERMS}[].matchFields`,
] as const;

/** What placement needs of a node: its name and labels. */
export interface NodeInfo {
  name: string;
  labels: Readonly<Record<string, string>>;
}

/** Only what placement decisions need is kept of a Node: its name and labels. */
export function nodeInfos(nodes: readonly KubeObject[] | Absent): readonly NodeInfo[] {
  return nodes === ABSENT ? [] : infosOf(nodes);
}

const infosOf = derivedPerRead((nodes: readonly KubeObject[]): readonly NodeInfo[] =>
  nodes.map((n) => ({ name: n.metadata?.name ?? "", labels: n.metadata?.labels ?? {} })),
);

/**
 * Whether the scheduler could place the VM's launcher pod on the node, judged from nodeSelector
 * and required node affinity (the two placement fields that rule nodes out for good).
 */
export function placementAllows(spec: Readonly<VmiSpec> | undefined, node: NodeInfo): boolean {
  const selector = spec?.nodeSelector ?? {};
  if (!Object.entries(selector).every(([key, value]) => labelOf(node, key) === value)) return false;
  const terms = requiredTerms(spec);
  return terms === undefined || terms.some((term) => termMatches(term, node));
}

/** The VMI's required node affinity terms, if it has any. */
export function requiredTerms(
  spec: Readonly<VmiSpec> | undefined,
): readonly NodeSelectorTerm[] | undefined {
  return spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
    ?.nodeSelectorTerms;
}

// Own labels only: a key such as "constructor" must not find Object.prototype's member.
function labelOf(node: NodeInfo, key: string): string | undefined {
  return Object.hasOwn(node.labels, key) ? node.labels[key] : undefined;
}

// As in the scheduler: a term with no requirements matches no node.
function termMatches(term: NodeSelectorTerm, node: NodeInfo): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  return (
    expressions.every((r) => requirementMatches(r, labelOf(node, r.key))) &&
    fields.every((r) => r.key === "metadata.name" && requirementMatches(r, node.name))
  );
}

function requirementMatches(
  requirement: NodeSelectorRequirement,
  value: string | undefined,
): boolean {
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt":
      return compareNumber(requirement.operator, value, values[0]);
  }
}

function compareNumber(
  operator: "Gt" | "Lt",
  value: string | undefined,
  bound: string | undefined,
): boolean {
  const [a, b] = [Number.parseInt(value ?? "", 10), Number.parseInt(bound ?? "", 10)];
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  return operator === "Gt" ? a > b : a < b;
}
