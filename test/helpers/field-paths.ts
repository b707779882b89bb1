// Declared field paths (`spec.containers[].securityContext.capabilities.add`, as features declare
// what they read) applied to plain objects, for tests that put a value at such a path.

/** A path's steps: `spec.containers[].name` is spec, containers, [], name. */
export function pathSteps(path: string): string[] {
  return path
    .split(".")
    .flatMap((part) => (part.endsWith("[]") ? [part.slice(0, -2), "[]"] : [part]));
}

/** A path as it is declared: `spec.containers[0].name` is `spec.containers[].name`. */
export const declaredPath = (path: string): string => path.replace(/\[\d+\]/g, "[]");

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A copy of `object` with `value` at `path` (a declared path, or its steps): in every entry of
 * each list on the way (a list that is missing or empty gets one entry), through maps made where
 * the way is missing or no map.
 */
export function withValueAt(
  object: unknown,
  path: string | readonly string[],
  value: unknown,
): unknown {
  return put(structuredClone(object), typeof path === "string" ? pathSteps(path) : path, value);
}

function put(at: unknown, steps: readonly string[], value: unknown): unknown {
  const [step, ...rest] = steps;
  if (step === undefined) return structuredClone(value);
  if (step === "[]") {
    const entries = Array.isArray(at) && at.length > 0 ? at : [{}];
    return entries.map((entry: unknown) => put(entry, rest, value));
  }
  const map = isMap(at) ? at : {};
  map[step] = put(map[step], rest, value);
  return map;
}
