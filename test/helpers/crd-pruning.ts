// What the API server drops, without an error, from an object it stores under a structural schema
// (apiextensions pruning): fields the schema does not declare, unless it preserves unknown fields,
// ObjectMeta fields that do not exist, and a field's null where the schema neither allows null nor
// gives a default.

type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** metav1.ObjectMeta's fields: an object's own metadata keeps these and loses any other. */
const OBJECT_META = new Set([
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
]);

/** The paths of `value` the API server would prune when storing it under `schema`; [] keeps all. */
export function prunedFields(schema: Schema, value: unknown): string[] {
  return pruned(schema, value, "", true);
}

function pruned(schema: Schema, value: unknown, path: string, embedded: boolean): string[] {
  if (Array.isArray(value)) {
    const items = schema["items"];
    if (!isObject(items)) return [];
    return value.flatMap((item, i) => prunedChild(items, item, `${path}[${i}]`));
  }
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const at = `${path}.${key}`;
    if (embedded && (key === "apiVersion" || key === "kind")) return [];
    if (embedded && key === "metadata") return prunedMeta(child, at);
    return prunedKey(schema, key, child, at);
  });
}

function prunedChild(schema: Schema, value: unknown, path: string): string[] {
  return pruned(schema, value, path, schema["x-kubernetes-embedded-resource"] === true);
}

function prunedField(schema: Schema, value: unknown, path: string): string[] {
  const dropped = value === null && schema["nullable"] !== true && !("default" in schema);
  return dropped ? [`${path} (null)`] : prunedChild(schema, value, path);
}

function prunedKey(schema: Schema, key: string, value: unknown, path: string): string[] {
  const properties = (schema["properties"] ?? {}) as Record<string, Schema>;
  const declared = properties[key];
  if (declared) return prunedField(declared, value, path);
  const additional = schema["additionalProperties"];
  if (isObject(additional)) return prunedField(additional, value, path);
  if (additional === true || schema["x-kubernetes-preserve-unknown-fields"] === true) return [];
  return [path];
}

function prunedMeta(metadata: unknown, path: string): string[] {
  if (!isObject(metadata)) return [];
  return Object.keys(metadata)
    .filter((key) => !OBJECT_META.has(key))
    .map((key) => `${path}.${key}`);
}

/** The paths of `sent` that `stored` (what the API server answered) lacks or holds otherwise. */
export function lostFields(sent: unknown, stored: unknown, path = ""): string[] {
  if (isObject(sent) && isObject(stored))
    return Object.entries(sent).flatMap(([key, value]) =>
      key in stored ? lostFields(value, stored[key], `${path}.${key}`) : [`${path}.${key}`],
    );
  if (Array.isArray(sent) && Array.isArray(stored) && sent.length === stored.length)
    return sent.flatMap((item, i) => lostFields(item, stored[i], `${path}[${i}]`));
  return JSON.stringify(sent) === JSON.stringify(stored) ? [] : [path || "(root)"];
}
