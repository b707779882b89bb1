import jsonpatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";

/** One RFC 6902 JSON Patch operation. */
export type PatchOperation = Operation;

/**
 * RFC 6902 operations that turn `original` into `changed` as JSON has it: the operations
 * fast-json-patch's `compare` gives against a JSON copy of `changed`, without making that copy.
 *
 * `original` must be JSON data, as the review carried it. `changed` shares with it whatever the
 * feature did not change (features copy only the paths they change): a shared part is the same
 * by reference and is not walked. What code built may hold undefined members and items,
 * non-finite numbers, functions, `toJSON`; it is read as JSON reads it (fast-json-patch itself
 * mishandles `undefined`: `{a: []}` to `{a: [undefined]}` gives no operation where JSON has
 * `[null]`; the properties in patch.test.ts found it). Added and replaced values are JSON copies
 * of their own, but for frozen JSON inside them, which is shared (see `added`). The diff emits
 * `add` of a whole missing parent and escapes `/` and `~` in keys, which is what makes the patch
 * apply to the original even where parents are missing.
 */
export function diff(original: unknown, changed: unknown): PatchOperation[] {
  const base = (original ?? {}) as object;
  const target = changed ?? {};
  // Anything but two objects of one kind (never the case for a review) goes through a copy.
  if (!isWalkable(target) || Array.isArray(base) !== Array.isArray(target))
    return jsonpatch.compare(base, cloneJson(target) as object);
  const ops: PatchOperation[] = [];
  walk(base as Json, target as Json, "", ops);
  return ops;
}

type Json = Record<string, unknown> | unknown[];

/** An object JSON writes member by member (an array or a plain record, no `toJSON`). */
function isWalkable(value: unknown): value is Json {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON !== "function"
  );
}

// fast-json-patch's _generate, reading `changed` as JSON: old keys last to first, then new ones.
function walk(before: Json, after: Json, path: string, ops: PatchOperation[]): void {
  if (before === after) return;
  if (Array.isArray(before)) return walkArray(before, after as unknown[], path, ops);
  const record = after as Record<string, unknown>;
  const oldKeys = Object.keys(before);
  for (let t = oldKeys.length - 1; t >= 0; t--) {
    const key = oldKeys[t] as string;
    const value = own(record, key) ? asJson(record[key]) : undefined;
    const old = (before as Record<string, unknown>)[key];
    // Most members are equal, or the very object the review holds: no path to build for them.
    if (value === old) continue;
    if (value === undefined)
      ops.push({ op: "remove", path: `${path}/${jsonpatch.escapePathComponent(key)}` });
    else compare(old, value, `${path}/${jsonpatch.escapePathComponent(key)}`, ops);
  }
  // Keys of both sides were compared above; only keys new to `changed` are left.
  for (const key of Object.keys(record)) {
    if (Object.hasOwn(before, key)) continue;
    const value = asJson(record[key]);
    if (value !== undefined)
      ops.push({
        op: "add",
        path: `${path}/${jsonpatch.escapePathComponent(key)}`,
        value: added(value),
      });
  }
}

function walkArray(before: unknown[], after: unknown[], path: string, ops: PatchOperation[]): void {
  for (let i = before.length - 1; i >= 0; i--) {
    if (i >= after.length) ops.push({ op: "remove", path: `${path}/${i}` });
    else {
      const value = asJson(after[i]) ?? null;
      if (value !== before[i]) compare(before[i], value, `${path}/${i}`, ops);
    }
  }
  for (let i = before.length; i < after.length; i++)
    ops.push({ op: "add", path: `${path}/${i}`, value: added(after[i]) });
}

/** One member both sides have; `value` is JSON's reading of the changed side's. */
function compare(before: unknown, value: unknown, at: string, ops: PatchOperation[]): void {
  if (typeof value !== "object" || value === null) {
    if (before !== value) ops.push({ op: "replace", path: at, value });
  } else if (
    typeof before === "object" &&
    before !== null &&
    Array.isArray(before) === Array.isArray(value)
  ) {
    walk(before as Json, value as Json, at, ops);
  } else {
    ops.push({ op: "replace", path: at, value: added(value) });
  }
}

/**
 * An added or replacing value as its operation carries it: a JSON copy, except for what in it is
 * frozen JSON already (what a feature builds once and shares with every answer, such as
 * imds-injector's sidecar), which nothing can change and whose copy would equal it: that is
 * shared. Checking makes no garbage; the copy was the largest part of that feature's diff.
 */
function added(value: unknown): unknown {
  return copy(value, true) ?? null;
}

// Frozen JSON found once stays frozen JSON: nothing in it can change, so it is not walked again,
// and its JSON text, once a patch has written it (undefined until then), is written only once.
const knownFrozenJson = new WeakMap<object, string | undefined>();

function isFrozenJson(value: unknown): boolean {
  if (typeof value !== "object" || value === null)
    return typeof value === "string" || typeof value === "boolean" || isJsonNumber(value);
  if (knownFrozenJson.has(value)) return true;
  if (!Object.isFrozen(value)) return false;
  const frozen = Array.isArray(value) ? isFrozenJsonArray(value) : isFrozenJsonRecord(value);
  if (frozen) knownFrozenJson.set(value, undefined);
  return frozen;
}

function isFrozenJsonArray(value: readonly unknown[]): boolean {
  for (let i = 0; i < value.length; i++) if (!(i in value) || !isFrozenJson(value[i])) return false;
  return true;
}

function isFrozenJsonRecord(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
  // for-in walks the enumerable keys a plain object's own are (its prototype has none).
  for (const key in value)
    if (key === "__proto__" || !isFrozenJson((value as Record<string, unknown>)[key])) return false;
  return true;
}

// JSON writes -0 as 0 and the non-finite numbers as null: a copy would not equal those.
const isJsonNumber = (value: unknown): boolean =>
  typeof value === "number" && Number.isFinite(value) && !Object.is(value, -0);

/** What JSON makes of a member: the object itself, to be walked, or a copy; undefined: left out. */
function asJson(value: unknown): unknown {
  return isWalkable(value) ? value : copy(value, false);
}

// JSON writes own enumerable members only; JSON.parse makes "__proto__" an own one.
function own(object: object, key: string): boolean {
  return Object.prototype.propertyIsEnumerable.call(object, key);
}

/**
 * A deep copy with JSON's meaning: the form the API server sent and the form the diff compares.
 * It gives what `JSON.parse(JSON.stringify(value))` gives (undefined, functions and symbols
 * dropped from objects and turned to null in arrays, non-finite numbers to null, `toJSON`
 * honoured) without building the string: about five times faster on a VM, and a review makes two.
 */
export function cloneJson<T>(value: T): T {
  return (copy(value, false) ?? null) as T;
}

// `shareFrozen`: see `added`.
function copy(value: unknown, shareFrozen: boolean): unknown {
  if (typeof value === "object" && value !== null) return copyObject(value, shareFrozen);
  // JSON writes -0 as 0, and NaN and the infinities as null.
  if (typeof value === "number") return Number.isFinite(value) ? value || 0 : null;
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  // A BigInt gets JSON's own TypeError.
  if (typeof value === "bigint") return viaJson(value);
  return value;
}

function copyObject(value: object, shareFrozen: boolean): unknown {
  if (shareFrozen && isFrozenJson(value)) return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return viaJson(value);
  if (Array.isArray(value)) return value.map((item: unknown) => copy(item, shareFrozen) ?? null);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = copy((value as Record<string, unknown>)[key], shareFrozen);
    if (item === undefined) continue;
    // JSON.parse makes "__proto__" an own key; plain assignment would set the prototype instead.
    if (key === "__proto__")
      Object.defineProperty(out, key, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[key] = item;
  }
  return out;
}

function viaJson(value: object | bigint): unknown {
  const text = JSON.stringify(value) as string | undefined;
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

/** The patch as the response carries it: base64 of its JSON. */
export function encodePatch(ops: readonly PatchOperation[]): string {
  let text = "";
  for (const op of ops) text += `${text === "" ? "" : ","}${operationText(op)}`;
  return Buffer.from(`[${text}]`).toString("base64");
}

/**
 * `JSON.stringify(op)`, with a shared frozen value's text written once for every answer that adds
 * it: imds-injector's sidecar is most of its patch. The diff makes every operation as `{op, path, value}`, in that order.
 */
function operationText(op: PatchOperation): string {
  const value = "value" in op ? (op.value as unknown) : undefined;
  if (typeof value !== "object" || value === null || !knownFrozenJson.has(value))
    return JSON.stringify(op);
  let known = knownFrozenJson.get(value);
  if (known === undefined) {
    known = JSON.stringify(value);
    knownFrozenJson.set(value, known);
  }
  return `{"op":${JSON.stringify(op.op)},"path":${JSON.stringify(op.path)},"value":${known}}`;
}
