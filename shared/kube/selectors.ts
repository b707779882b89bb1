import type { KubeObject } from "../basics/kube-object.ts";

// Label and field selectors as the API server reads them, for the snapshot reader and the
// project's local API server: both must select exactly what a real cluster would.

type Requirement = (labels: Readonly<Record<string, string>>) => boolean;

/** Splits on commas that are not inside `in (...)` value lists. */
function terms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of selector) {
    if (char === "(") depth += 1;
    if (char === ")") depth -= 1;
    if (char === "," && depth === 0) {
      out.push(current.trim());
      current = "";
    } else current += char;
  }
  if (current.trim()) out.push(current.trim());
  return out.filter(Boolean);
}

const SET = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/;
const EQUALITY = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/;

function requirement(term: string): Requirement {
  const set = SET.exec(term);
  if (set) return setRequirement(set[1] ?? "", set[2] === "in", set[3] ?? "");
  const equality = EQUALITY.exec(term);
  if (equality) {
    const [, key = "", op, value = ""] = equality;
    return op === "!=" ? (labels) => labels[key] !== value : (labels) => labels[key] === value;
  }
  if (term.startsWith("!")) return (labels) => !(term.slice(1) in labels);
  if (/^\S+$/.test(term)) return (labels) => term in labels;
  throw new Error(`"${term}" is not a label selector requirement`);
}

function setRequirement(key: string, within: boolean, list: string): Requirement {
  const values = list.split(",").map((v) => v.trim());
  const holds = (labels: Readonly<Record<string, string>>): boolean =>
    key in labels && values.includes(labels[key] ?? "");
  return within ? holds : (labels) => !holds(labels);
}

/** Whether `labels` satisfy a label selector (`a=b,c!=d,e in (f,g),!h`); empty selects all. */
export function matchesLabels(
  selector: string | undefined,
  labels: Readonly<Record<string, string>> = {},
): boolean {
  return terms(selector ?? "").every((term) => requirement(term)(labels));
}

/** Whether an object satisfies a field selector (`metadata.name=x,spec.nodeName!=y`). */
export function matchesFields(selector: string | undefined, object: KubeObject): boolean {
  return terms(selector ?? "").every((term) => {
    const equality = EQUALITY.exec(term);
    if (!equality) throw new Error(`"${term}" is not a field selector requirement`);
    const [, path = "", op, value = ""] = equality;
    const actual = fieldAt(object, path);
    return op === "!=" ? actual !== value : actual === value;
  });
}

function fieldAt(object: KubeObject, path: string): string {
  let value: unknown = object;
  for (const part of path.split(".")) {
    value =
      typeof value === "object" && value !== null
        ? (value as Record<string, unknown>)[part]
        : undefined;
  }
  return value === undefined || value === null ? "" : String(value as string | number | boolean);
}
