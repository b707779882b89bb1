import jsonpatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";

export type PatchOperation = Operation;

/**
 * RFC 6902 operations that turn `original` into `changed`.
 *
 * Both sides go through JSON first: fast-json-patch mishandles `undefined` values, and a diff of
 * an object against itself is always empty, so the caller must never pass the same reference.
 * The diff emits `add` of a whole missing parent and escapes `/` and `~` in keys, which is what
 * makes the patch apply to the original even where parents are missing.
 */
export function diff(original: unknown, changed: unknown): PatchOperation[] {
  return jsonpatch.compare(toJson(original), toJson(changed));
}

/** A deep copy through JSON: the form the API server sent and the form the diff compares. */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function toJson(value: unknown): object {
  return cloneJson(value ?? {}) as object;
}

export function encodePatch(ops: readonly PatchOperation[]): string {
  return Buffer.from(JSON.stringify(ops)).toString("base64");
}
