import fc from "fast-check";
import type { Arbitrary } from "fast-check";

// Building blocks for objects shaped like the API server sends them: maps whose keys carry `/`,
// `~`, unicode, the empty string and prototype names, values from plain to hostile, and fields
// that are present or not, from sparse objects to ones with every field set.

/** Keys a real object uses, next to the ones that break naive JSON-pointer or map code. */
export const mapKey: Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "app",
    "kubevirt.io/vm",
    "vm.kubevirt.io/name",
    "kubevirt.io/domain",
    "example.com/a~b",
    "a/b/c",
    "~",
    "~0",
    "~1",
    "/",
    "",
    "__proto__",
    "constructor",
    "toString",
    "ключ/значение",
    "例え.jp/名前",
    "emoji🙂/x",
  ),
  fc.string({ unit: "grapheme", maxLength: 10 }),
  fc
    .tuple(fc.domain(), fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 8 }))
    .map(([domain, name]) => `${domain}/${name}`),
);

/** Values: empty, padded, JSON-looking, control characters, any code point. */
export const mapValue: Arbitrary<string> = fc.oneof(
  fc.constantFrom("", "true", "false", " enabled ", "{}", "[]", "null", "line\nbreak", "\u0000"),
  fc.string({ unit: "binary", maxLength: 16 }),
);

export function stringMap(
  extra: Arbitrary<[string, string]>[] = [],
): Arbitrary<Record<string, string>> {
  const pairs = fc.array(fc.oneof(fc.tuple(mapKey, mapValue), ...extra), { maxLength: 6 });
  return pairs.map((entries) => toJson(Object.fromEntries(entries)));
}

/** A DNS-1123 name, or now and then one the API server would refuse. */
export const objectName: Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z]([-a-z0-9]{0,14}[a-z0-9])?$/) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
);

export const quantity: Arbitrary<string> = fc.constantFrom(
  "1",
  "2",
  "100m",
  "1.5",
  "512Mi",
  "1Gi",
  "3072Mi",
  "2G",
);

/** Every key optional: from `{}` to every field set. */
export function sparse<T extends Record<string, unknown>>(fields: {
  [K in keyof T]: Arbitrary<T[K]>;
}): Arbitrary<Partial<T>> {
  return fc.record(fields, { requiredKeys: [] }) as Arbitrary<Partial<T>>;
}

/** The object as it travels: through JSON, as plain objects with own properties only. */
export function toJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The object with up to three members replaced by arbitrary JSON (a string where a list belongs,
 * a number for a map): what a mutating webhook can see, because the API server validates types
 * only after mutating admission.
 */
export function scrambled<T extends object>(objects: Arbitrary<T>): Arbitrary<T> {
  const edit = fc.tuple(fc.nat(), fc.nat(), fc.jsonValue({ maxDepth: 2 }));
  return fc
    .tuple(objects, fc.array(edit, { minLength: 1, maxLength: 3 }))
    .map(([object, edits]) => {
      const copy = toJson(object);
      for (const [where, which, value] of edits) replaceMember(copy, where, which, value);
      return copy;
    });
}

function replaceMember(root: object, where: number, which: number, value: unknown): void {
  const containers = containersOf(root);
  const target = containers[where % containers.length] as Record<string, unknown>;
  const keys = Object.keys(target);
  if (keys.length === 0) return;
  const key = keys[which % keys.length] as string;
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function containersOf(root: object): object[] {
  const found: object[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next !== "object" || next === null) continue;
    found.push(next);
    stack.push(...Object.values(next));
  }
  return found;
}
