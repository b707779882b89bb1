import { isCelError, run } from "@bufbuild/cel";
import type { CelInput } from "@bufbuild/cel";
import { kubernetesAjv } from "../../functions/machine-controller/schema/ajv.ts";

// A CRD's validation as the API server applies it, for tests: the OpenAPI schema (ajv), the list
// types (x-kubernetes-list-type map and set: unique keys and items) and the CEL rules
// (x-kubernetes-validations, run with a CEL implementation). Plus the structural-schema rules a
// CRD must follow to be accepted at all.

type Schema = Record<string, unknown>;
type Json = unknown;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Why `schema` is not a structural schema (apiextensions.k8s.io/v1), or [] when it is. */
export function structuralViolations(schema: Schema, path = "", root = true): string[] {
  return [
    ...nodeViolations(schema, path || "(root)"),
    ...junctorsOf(schema, path || "(root)"),
    ...childViolations(schema, path, root),
  ];
}

const FORBIDDEN = [
  "$ref",
  "definitions",
  "additionalItems",
  "patternProperties",
  "dependencies",
  "id",
];

function nodeViolations(schema: Schema, here: string): string[] {
  const out = FORBIDDEN.filter((key) => key in schema).map(
    (key) => `${here}: ${key} is not allowed`,
  );
  const untyped =
    schema["x-kubernetes-int-or-string"] !== true &&
    schema["x-kubernetes-preserve-unknown-fields"] !== true;
  if (untyped && typeof schema["type"] !== "string") out.push(`${here}: type must be set`);
  if ("properties" in schema && "additionalProperties" in schema)
    out.push(`${here}: properties and additionalProperties exclude each other`);
  if (schema["uniqueItems"] === true) out.push(`${here}: uniqueItems is not allowed`);
  return out;
}

function junctorsOf(schema: Schema, here: string): string[] {
  const intOrString = schema["x-kubernetes-int-or-string"] === true;
  return ["allOf", "anyOf", "oneOf", "not"].flatMap((junctor) => {
    const parts = schema[junctor];
    if (parts === undefined) return [];
    return (Array.isArray(parts) ? parts : [parts]).flatMap((part) =>
      junctorViolations(part as Schema, `${here}.${junctor}`, intOrString && junctor === "anyOf"),
    );
  });
}

function junctorViolations(part: Schema, where: string, intOrString: boolean): string[] {
  const allowedType = intOrString && (part["type"] === "integer" || part["type"] === "string");
  const banned = [
    "additionalProperties",
    "default",
    "nullable",
    "description",
    "title",
    ...(allowedType ? [] : ["type"]),
  ];
  return banned
    .filter((key) => key in part)
    .map((key) => `${where}: ${key} is not allowed inside a junctor`);
}

function childViolations(schema: Schema, path: string, root: boolean): string[] {
  const properties = (schema["properties"] ?? {}) as Record<string, Schema>;
  const out = Object.entries(properties).flatMap(([name, child]) =>
    root && name === "metadata"
      ? metadataViolations(child)
      : structuralViolations(child, `${path}.${name}`, false),
  );
  if (isObject(schema["additionalProperties"]))
    out.push(
      ...structuralViolations(schema["additionalProperties"] as Schema, `${path}[*]`, false),
    );
  if (schema["type"] === "array") out.push(...itemViolations(schema, path));
  return out;
}

function metadataViolations(metadata: Schema): string[] {
  const extra = Object.keys(metadata).filter((k) => k !== "type" && k !== "properties");
  const fields = Object.keys((metadata["properties"] ?? {}) as object).filter(
    (k) => k !== "name" && k !== "generateName",
  );
  return extra.length || fields.length
    ? ["metadata: only type and restrictions on name and generateName are allowed"]
    : [];
}

function itemViolations(schema: Schema, path: string): string[] {
  const items = schema["items"];
  if (!isObject(items)) return [`${path}: items must be one schema`];
  return [
    ...structuralViolations(items, `${path}[]`, false),
    ...listTypeViolations(schema, items, path),
  ];
}

// A map list's key must be required or defaulted, and never nullable (the server's own rule).
function listTypeViolations(schema: Schema, items: Schema, path: string): string[] {
  const type = schema["x-kubernetes-list-type"];
  if (type === "set" && items["type"] === "object") return [`${path}: a set holds scalars`];
  if (type !== "map") return [];
  const keys = (schema["x-kubernetes-list-map-keys"] ?? []) as string[];
  const required = (items["required"] ?? []) as string[];
  const properties = (items["properties"] ?? {}) as Record<string, Schema>;
  return keys.flatMap((k) => {
    const key = properties[k] ?? {};
    return [
      ...(required.includes(k) || "default" in key
        ? []
        : [`${path}: list map key ${k} must be required`]),
      ...(key["nullable"] === true ? [`${path}: list map key ${k} cannot be nullable`] : []),
    ];
  });
}

// Extensions upstream CRDs use beyond ours (Knative's map types, KubeVirt's embedded objects), and
// the formats the API server knows; it ignores any other format, so they validate nothing here.
const MORE_KEYWORDS = ["x-kubernetes-map-type", "x-kubernetes-embedded-resource"];
const FORMATS = ["int32", "float", "double", "byte", "date", "password", "uuid", "quantity"];

/** Every way `value` breaks the schema, as the API server would refuse it. [] means accepted. */
export function crdValidator(schema: Schema): (value: Json) => string[] {
  const ajv = kubernetesAjv();
  ajv.addVocabulary(MORE_KEYWORDS);
  for (const format of FORMATS) ajv.addFormat(format, true);
  const validate = ajv.compile(schema);
  return (value) => {
    if (!validate(value))
      return (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""}`);
    return extensionViolations(schema, value, "");
  };
}

function extensionViolations(schema: Schema, value: Json, path: string): string[] {
  const out = celViolations(schema, value, path);
  if (Array.isArray(value)) out.push(...listViolations(schema, value, path));
  if (!isObject(value)) return out;
  const properties = (schema["properties"] ?? {}) as Record<string, Schema>;
  for (const [key, child] of Object.entries(properties)) {
    if (key in value) out.push(...extensionViolations(child, value[key], `${path}.${key}`));
  }
  return out;
}

function celViolations(schema: Schema, value: Json, path: string): string[] {
  const rules = (schema["x-kubernetes-validations"] ?? []) as { rule: string; message: string }[];
  return rules.flatMap((rule) => {
    const result = run(rule.rule, { self: value as CelInput });
    if (isCelError(result)) throw new Error(`${path}: ${rule.rule}: ${result.message}`);
    return result === true ? [] : [`${path || "(root)"}: ${rule.message}`];
  });
}

function listViolations(schema: Schema, value: Json[], path: string): string[] {
  const out: string[] = [];
  const type = schema["x-kubernetes-list-type"];
  const keys = (schema["x-kubernetes-list-map-keys"] ?? []) as string[];
  const identity = (item: Json): string =>
    type === "map"
      ? JSON.stringify(keys.map((k) => (item as Record<string, Json>)[k]))
      : JSON.stringify(item);
  if (type === "map" || type === "set") {
    const seen = new Set<string>();
    for (const [index, item] of value.entries()) {
      const id = identity(item);
      if (seen.has(id)) out.push(`${path}[${index}]: Duplicate value: ${id}`);
      seen.add(id);
    }
  }
  const items = schema["items"];
  if (isObject(items))
    value.forEach((item, index) =>
      out.push(...extensionViolations(items, item, `${path}[${index}]`)),
    );
  return out;
}
