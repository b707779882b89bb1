// A small, strict RFC 6902 implementation for the tests, independent of fast-json-patch (which
// makes the functions' patches), so a patch is checked by code that did not write it. It is as
// strict as the API server's (evanphx/json-patch): `add` into a missing parent, `replace` or
// `remove` of a missing member, an array index past the end, `~` not followed by 0 or 1, and a
// malformed operation all fail the whole patch. rfc6902 5.4.0 was tried first: it assigns members
// with `parent[key] = value`, so `add /metadata/annotations/__proto__` changed the object's
// prototype instead of adding the key, where the API server stores a key like any other.

export interface JsonPatchOperation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

export class PatchError extends Error {}

type Container = Record<string, unknown> | unknown[];

/** Applies `ops` in order to a deep copy of `document`; the copy, or a PatchError. */
export function applyJsonPatch<T>(document: T, ops: readonly unknown[]): T {
  if (!Array.isArray(ops)) throw new PatchError("a JSON patch is an array of operations");
  let doc: unknown = structuredClone(document);
  ops.forEach((raw, index) => {
    const op = checkOperation(raw, index);
    doc = applyOne(doc, op);
  });
  return doc as T;
}

// What each op needs besides its path.
const NEEDS: Record<string, "value" | "from" | undefined> = {
  add: "value",
  remove: undefined,
  replace: "value",
  move: "from",
  copy: "from",
  test: "value",
};

function checkOperation(raw: unknown, index: number): JsonPatchOperation {
  const op = raw as Partial<JsonPatchOperation> | null;
  const where = `operation ${index}`;
  if (typeof op !== "object" || op === null) throw new PatchError(`${where} is not an object`);
  if (typeof op.path !== "string") throw new PatchError(`${where} has no string path`);
  if (!Object.hasOwn(NEEDS, op.op ?? ""))
    throw new PatchError(`${where} has an unknown op ${JSON.stringify(op.op)}`);
  checkOperands(op, NEEDS[op.op ?? ""], where);
  return op as JsonPatchOperation;
}

function checkOperands(
  op: Partial<JsonPatchOperation>,
  needs: "value" | "from" | undefined,
  where: string,
): void {
  if (needs === "value" && !Object.hasOwn(op, "value"))
    throw new PatchError(`${where} has no value`);
  if (needs === "from" && typeof op.from !== "string")
    throw new PatchError(`${where} has no string from`);
}

const APPLY: Record<string, (doc: unknown, op: JsonPatchOperation) => unknown> = {
  add: (doc, op) => add(doc, op.path, structuredClone(op.value)),
  remove: (doc, op) => remove(doc, op.path).doc,
  replace: (doc, op) => add(remove(doc, op.path).doc, op.path, structuredClone(op.value)),
  move: (doc, op) => {
    const from = op.from ?? "";
    if (op.path.startsWith(`${from}/`))
      throw new PatchError(`cannot move ${from} into its own child ${op.path}`);
    const taken = remove(doc, from);
    return add(taken.doc, op.path, taken.value);
  },
  copy: (doc, op) => add(doc, op.path, structuredClone(get(doc, op.from ?? ""))),
  test: (doc, op) => {
    if (!jsonEqual(get(doc, op.path), op.value)) throw new PatchError(`test failed at ${op.path}`);
    return doc;
  },
};

function applyOne(doc: unknown, op: JsonPatchOperation): unknown {
  return (APPLY[op.op] as (doc: unknown, op: JsonPatchOperation) => unknown)(doc, op);
}

/** The reference tokens of a JSON pointer (RFC 6901), with `~1` and `~0` decoded. */
export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new PatchError(`pointer ${pointer} does not start with /`);
  return pointer
    .slice(1)
    .split("/")
    .map((token) => {
      if (/~(?![01])/.test(token)) throw new PatchError(`pointer ${pointer} has a bad ~ escape`);
      return token.replace(/~1/g, "/").replace(/~0/g, "~");
    });
}

function isContainer(value: unknown): value is Container {
  return typeof value === "object" && value !== null;
}

function arrayIndex(array: unknown[], token: string, forAdd: boolean): number {
  if (forAdd && token === "-") return array.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new PatchError(`${token} is not an array index`);
  const index = Number(token);
  if (index > array.length || (!forAdd && index === array.length))
    throw new PatchError(`index ${token} is past the end of the array`);
  return index;
}

function parentOf(doc: unknown, pointer: string): { parent: Container; key: string } {
  const tokens = parsePointer(pointer);
  const key = tokens.pop();
  if (key === undefined) throw new PatchError("the root has no parent");
  const parent = walk(doc, tokens, pointer);
  if (!isContainer(parent)) throw new PatchError(`the parent of ${pointer} is not a container`);
  return { parent, key };
}

function walk(doc: unknown, tokens: readonly string[], pointer: string): unknown {
  let at: unknown = doc;
  for (const token of tokens) {
    if (Array.isArray(at)) at = at[arrayIndex(at, token, false)];
    else if (isContainer(at) && Object.hasOwn(at, token))
      at = (at as Record<string, unknown>)[token];
    else throw new PatchError(`${pointer} does not exist`);
  }
  return at;
}

function get(doc: unknown, pointer: string): unknown {
  return walk(doc, parsePointer(pointer), pointer);
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  if (pointer === "") return value;
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, value);
  else
    Object.defineProperty(parent, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return doc;
}

function remove(doc: unknown, pointer: string): { doc: unknown; value: unknown } {
  if (pointer === "") return { doc: undefined, value: doc };
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) {
    const [value] = parent.splice(arrayIndex(parent, key, false), 1);
    return { doc, value };
  }
  if (!Object.hasOwn(parent, key)) throw new PatchError(`${pointer} does not exist`);
  const value = parent[key];
  delete parent[key];
  return { doc, value };
}

/** Structural equality of JSON values: member order does not matter, array order does. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every(
    (k) =>
      Object.hasOwn(b, k) &&
      jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}
