import { FeatureError } from "./errors.ts";

/**
 * Makes every object along `keys` under `owned` a shallow copy of its own (an empty one where it
 * is missing) and returns the last, for the caller to change in place. `owned` must be the
 * caller's copy already; everything off the path stays shared with the reviewed object, which is
 * how a feature's answer is built (the core diffs only what is not shared).
 *
 * A value on the path that is not an object is the user's, and is not silently replaced.
 */
export function copyPath(owned: object, ...keys: string[]): Record<string, unknown> {
  let at = owned as Record<string, unknown>;
  keys.forEach((key, depth) => {
    const value = at[key];
    if (value !== undefined && value !== null && !isRecord(value)) {
      const field = keys.slice(0, depth + 1).join(".");
      throw new FeatureError(`the object's ${field} is not an object`, {
        field,
        fix: `send ${field} as an object, as the Kubernetes API requires`,
      });
    }
    const copy = { ...value };
    at[key] = copy;
    at = copy;
  });
  return at;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `value` with every object in it frozen, for data a feature builds once and then shares with
 * every answer (imds-injector's sidecar): an attempt to change it throws rather than changing
 * every later answer. Feature tests freeze their reviews with it too.
 */
export function deepFreeze<T>(value: T): T {
  // A loop, not recursion: a review may nest deeper than the stack (the core freezes every one).
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === "object" && next !== null && !Object.isFrozen(next)) {
      Object.freeze(next);
      pushValues(next, pending);
    }
  }
  return value;
}

// Indexes and for-in rather than Object.values: no array made per object of every review.
function pushValues(object: object, into: unknown[]): void {
  if (Array.isArray(object)) {
    for (let i = 0; i < object.length; i += 1) into.push(object[i]);
    return;
  }
  for (const key in object) into.push((object as Record<string, unknown>)[key]);
}
