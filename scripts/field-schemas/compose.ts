// A feature's fields schema from a CRD's openAPIV3Schema: the paths it declares, nested as
// objects down to each field, each field with its schema's types and structure (no descriptions,
// formats, patterns or x-kubernetes extensions: the check is about shapes a feature can read).

export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  required?: string[];
  anyOf?: Schema[];
  nullable?: boolean;
  definitions?: Record<string, Schema>;
  [key: string]: unknown;
}

const DEPTH = 3;
const NESTED = new Set(["properties", "items", "required", "additionalProperties"]);

const KEPT = [
  "type",
  "properties",
  "items",
  "additionalProperties",
  "required",
  "anyOf",
  "nullable",
];

/**
 * The schema's types and structure, `depth` levels of objects and lists down: a feature reads a
 * field's entries and their own fields, and a deeper cap would only make the validator larger
 * (KubeVirt's volume schema holds every volume source).
 */
export function shape(schema: Schema, depth = DEPTH): Schema {
  const out: Schema = {};
  for (const key of KEPT) {
    const value = schema[key];
    if (value !== undefined) Object.assign(out, shapeOf(key, value, depth));
  }
  return out;
}

/** One keyword of a shape; below the depth cap, what lies under an object or a list is open. */
function shapeOf(key: string, value: unknown, depth: number): Schema {
  const below = (s: Schema): Schema => shape(s, depth - 1);
  if (key === "anyOf") return { anyOf: (value as Schema[]).map(below) };
  if (depth <= 0 && NESTED.has(key)) return {};
  if (key === "properties")
    return {
      properties: Object.fromEntries(
        Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, below(v)]),
      ),
    };
  if (key === "items" || (key === "additionalProperties" && typeof value === "object"))
    return { [key]: below(value as Schema) };
  return { [key]: value };
}

const PLURALS: Record<string, string> = {
  "a string": "strings",
  "an integer": "integers",
  "a number": "numbers",
  "true or false": "booleans",
  "an object": "objects",
  "a number or a string": "quantities",
};
const plural = (noun: string): string => PLURALS[noun] ?? noun;

function describeObject(schema: Schema): string {
  if (schema.additionalProperties && typeof schema.additionalProperties === "object")
    return `a map of ${plural(describeSchema(schema.additionalProperties))}`;
  // Every key of a small object; the required ones of a larger one.
  const properties = Object.keys(schema.properties ?? {});
  if (properties.length > 0 && properties.length <= 4) return `{${properties.join(", ")}}`;
  const required = schema.required ?? [];
  return required.length > 0 ? `{${required.join(", ")}, ...}` : "an object";
}

/** What a value of `schema` is, in words: `a list of {name, policy}`, `a map of strings`. */
export function describeSchema(schema: Schema): string {
  if (schema.anyOf) {
    const types = schema.anyOf.map((s) => s.type).sort();
    // A quantity: KubeVirt's CRD says integer or string, Kubernetes' OpenAPI number or string.
    if (["integer,string", "number,string"].includes(types.join())) return "a number or a string";
  }
  switch (schema.type) {
    case "array":
      return `a list of ${plural(schema.items ? describeSchema(schema.items) : "values")}`;
    case "object":
      return describeObject(schema);
    case "string":
      return "a string";
    case "integer":
      return "an integer";
    case "number":
      return "a number";
    case "boolean":
      return "true or false";
    default:
      return "a value";
  }
}

/** A declared field's steps: `spec.containers[].name` is spec, containers, [], name. */
function stepsOf(field: string): string[] {
  return field
    .split(".")
    .flatMap((part) => (part.endsWith("[]") ? [part.slice(0, -2), "[]"] : [part]));
}

/** The field the first `count` steps lead to, written as declared: `spec.containers[]`. */
const pathOf = (steps: readonly string[], count: number): string =>
  steps.slice(0, count).join(".").replaceAll(".[]", "[]");

/** What a field on the way to a declared one must be: a list says what it lists. */
const onTheWay = (schema: Schema, describe: (schema: Schema) => string): string =>
  schema.type === "object" ? "an object" : describe(schema);

/**
 * The schema for `fields` (dotted paths; `[]` follows a list's entries, as in
 * `spec.containers[].securityContext.capabilities.add`) of an object of `root`, each `depth`
 * levels deep, and what each field and each object or list on the way to one must be. Following a
 * list to the fields a feature reads keeps the validator small where a deeper cap would not.
 */
export function fieldsSchema(
  root: Schema,
  fields: readonly string[],
  describe: (schema: Schema) => string,
  depth = DEPTH,
): { schema: Schema; expectations: Record<string, string> } {
  const schema: Schema = { type: "object" };
  const expectations: Record<string, string> = {};
  for (const field of fields) {
    let from = root;
    let to = schema;
    const steps = stepsOf(field);
    steps.forEach((step, i) => {
      const path = pathOf(steps, i + 1);
      const next = step === "[]" ? from.items : from.properties?.[step];
      if (!next) throw new Error(`${field}: the schema has no ${path}`);
      const leaf = i === steps.length - 1;
      // Each field is a definition of its own, which ajv compiles into a function of its own:
      // one function for all would be too long for TypeScript to check the module.
      const made = leaf
        ? { $ref: `#/definitions/${definition(schema, path, shape(next, depth))}` }
        : { type: next.type ?? "object" };
      to = place(to, step, made, leaf ? field : undefined);
      expectations[path] = leaf ? describe(next) : onTheWay(next, describe);
      from = next;
    });
  }
  shareEntries(schema, schema, "");
  return { schema, expectations };
}

/**
 * The schema under `step` of `to` (`items` for `[]`), `made` unless a field on the same way made
 * it; a declared `field` ends there, and no field may end where another goes on.
 */
function place(to: Schema, step: string, made: Schema, field: string | undefined): Schema {
  const slot: Record<string, unknown> = step === "[]" ? to : (to.properties ??= {});
  const key = step === "[]" ? "items" : step;
  const existing = slot[key] as Schema | undefined;
  if (existing && (field !== undefined || existing.$ref !== undefined))
    throw new Error(`${field ?? step}: a field is declared, and so is a field inside it; keep one`);
  slot[key] = existing ?? made;
  return slot[key] as Schema;
}

/**
 * Each list's entries on the way to declared fields, made definitions: a Pod's init containers and
 * containers then share one function in ajv's code.
 */
function shareEntries(schema: Schema, node: Schema, path: string): void {
  for (const [key, child] of Object.entries(node.properties ?? {}))
    shareEntries(schema, child, path ? `${path}.${key}` : key);
  const items = node.items;
  if (!items || items.$ref !== undefined) return;
  shareEntries(schema, items, `${path}[]`);
  node.items = { $ref: `#/definitions/${definition(schema, `${path}[]`, items)}` };
}
/**
 * The name of the definition of `shaped`, added as `path` unless an earlier field has the same
 * shape (a Pod's init containers and containers): ajv then writes its function once.
 */
function definition(schema: Schema, path: string, shaped: Schema): string {
  const definitions = (schema.definitions ??= {});
  const text = JSON.stringify(shaped);
  const same = Object.keys(definitions).find((k) => JSON.stringify(definitions[k]) === text);
  if (same !== undefined) return same;
  // A list's entries are `items` in the name: `[]` has no place in a $ref's URI.
  const name = path.replaceAll("[]", ".items");
  definitions[name] = shaped;
  return name;
}

/** `node`, or the definition of `schema` its `$ref` names. */
function resolvedIn(schema: Schema, node: Schema): Schema {
  if (typeof node.$ref !== "string") return node;
  return schema.definitions?.[node.$ref.split("/").at(-1) ?? ""] ?? {};
}

/**
 * Where `schema` (a fields schema) holds quantities, as declared paths with `*` for each value of
 * a map (`spec.containers[].resources.limits.*`): their types are checked by the schema, whether
 * they read as quantities by shared/kube/quantity.ts, at run time.
 */
export function quantityFields(schema: Schema): string[] {
  const found: string[] = [];
  const walk = (node: Schema, path: string): void => {
    const at = resolvedIn(schema, node);
    if (describeSchema(at) === "a number or a string") {
      found.push(path);
      return;
    }
    for (const [key, value] of Object.entries(at.properties ?? {}))
      walk(value, path ? `${path}.${key}` : key);
    if (at.items) walk(at.items, `${path}[]`);
    if (typeof at.additionalProperties === "object") walk(at.additionalProperties, `${path}.*`);
  };
  walk(schema, "");
  return found;
}
