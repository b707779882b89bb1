import { matchesLabels } from "../kube/selectors.ts";
import type { LabelSelector } from "./entry.ts";

// A webhook entry's LabelSelector against labels, with the requirement that fails in words: the
// preview says which label a namespace or an object lacks, not only that it does not match.

interface Requirement {
  /** The requirement as a label selector string, for the shared matcher. */
  term: string;
  /** What the labels lack, or have, when the requirement fails. */
  unmet: (labels: Readonly<Record<string, string>>) => string;
}

const quoted = (values: readonly string[]): string =>
  values.length === 1 ? `=${values[0] ?? ""}` : ` in (${values.join(", ")})`;

const excluded =
  (key: string) =>
  (labels: Readonly<Record<string, string>>): string =>
    `has label ${key}=${labels[key] ?? ""}, which the selector excludes`;

const EXPRESSIONS: Record<string, (key: string, values: string[]) => Requirement> = {
  In: (key, values) => ({
    term: `${key} in (${values.join(",")})`,
    unmet: () => `lacks label ${key}${quoted(values)}`,
  }),
  NotIn: (key, values) => ({ term: `${key} notin (${values.join(",")})`, unmet: excluded(key) }),
  Exists: (key) => ({ term: key, unmet: () => `lacks label ${key}` }),
  DoesNotExist: (key) => ({ term: `!${key}`, unmet: excluded(key) }),
};

function requirements(selector: LabelSelector | undefined): Requirement[] {
  const out = Object.entries(selector?.matchLabels ?? {}).map(([key, value]): Requirement => ({
    term: `${key}=${value}`,
    unmet: () => `lacks label ${key}=${value}`,
  }));
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    const requirement = EXPRESSIONS[operator];
    if (!requirement)
      throw new Error(
        `label selector operator "${operator}" is none of ${Object.keys(EXPRESSIONS).join(", ")}`,
      );
    out.push(requirement(key, values));
  }
  return out;
}

/** Throws, as the API server refuses such an entry on create, when `selector` has an unknown operator. */
export function checkSelector(selector: LabelSelector | undefined): void {
  requirements(selector);
}

/**
 * The first requirement of `selector` that `labels` fail, in words (`lacks label a=b`), or
 * undefined when they satisfy it; an empty or absent selector selects everything.
 */
export function unmetRequirement(
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>>,
): string | undefined {
  return requirements(selector)
    .find(({ term }) => !matchesLabels(term, labels))
    ?.unmet(labels);
}
