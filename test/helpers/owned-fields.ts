// What a field manager owns of a stored object (its managedFields entry, FieldsV1), compared with
// what it applied: a field it owns that the server changed (a default written inside an atomic
// struct or list, a value normalised) is drift that every later apply by another manager sees.
import { isDeepStrictEqual } from "node:util";

/** FieldsV1: `f:<name>` a field, `k:<json>` a list item by its keys, `v:<json>` a set item, `i:<n>` an index, `.` the node itself. */
export type FieldsV1 = { [key: string]: FieldsV1 };

/** One owned field whose stored value is not the applied one. */
export interface Drift {
  path: string;
  applied: unknown;
  stored: unknown;
}

function child(value: unknown, key: string): unknown {
  const kind = key.slice(0, 2);
  const rest = key.slice(2);
  if (kind === "f:") return (value as Record<string, unknown> | undefined)?.[rest];
  if (!Array.isArray(value)) return undefined;
  if (kind === "i:") return value[Number(rest)];
  const wanted: unknown = JSON.parse(rest);
  if (kind === "v:") return value.find((item) => isDeepStrictEqual(item, wanted));
  // A key field the applied item leaves to the server's default (a port's protocol) matches it.
  const keys = Object.entries(wanted as Record<string, unknown>);
  return value.find((item: Record<string, unknown>) =>
    keys.every(([name, v]) => item?.[name] === undefined || isDeepStrictEqual(item[name], v)),
  );
}

const label = (key: string): string =>
  key.startsWith("f:") ? `.${key.slice(2)}` : `[${key.slice(2)}]`;

/**
 * Every field `owned` names whose stored value differs from the applied one. A node with nothing
 * below it is owned whole (a leaf, or an atomic struct or list), so its values are compared whole.
 */
export function ownedDrift(owned: FieldsV1, applied: unknown, stored: unknown, path = ""): Drift[] {
  return Object.entries(owned).flatMap(([key, below]) => {
    if (key === ".") return [];
    const [a, s, where] = [child(applied, key), child(stored, key), `${path}${label(key)}`];
    const leaf = Object.keys(below).every((k) => k === ".");
    if (!leaf) return ownedDrift(below, a, s, where);
    return isDeepStrictEqual(a, s) ? [] : [{ path: where, applied: a, stored: s }];
  });
}

/** The FieldsV1 of `manager`'s Apply entry in a stored object's managedFields, if it has one. */
export function appliedFields(
  stored: { metadata?: Record<string, unknown> },
  manager: string,
): FieldsV1 | undefined {
  const entries = (stored.metadata?.["managedFields"] ?? []) as {
    manager: string;
    operation: string;
    fieldsV1?: FieldsV1;
  }[];
  return entries.find((e) => e.manager === manager && e.operation === "Apply")?.fieldsV1;
}
