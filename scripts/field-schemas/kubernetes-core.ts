// Kubernetes' own core/v1 and rbac/v1 schemas (Pod, Node, ConfigMap, Namespace, Roles and their
// bindings): the OpenAPI documents of the pinned k8s.io/kubernetes module (tools/control-plane/kube/go.mod), read from Go's module cache
// at generation time only.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { go } from "../cluster/go-command.ts";
import type { Schema } from "./compose.ts";

const KUBE = fileURLToPath(new URL("../../tools/control-plane/kube", import.meta.url));
/** The OpenAPI documents read, and the prefix of their kinds' schema names. */
const DOCUMENTS = {
  "api__v1_openapi.json": "io.k8s.api.core.v1",
  "apis__rbac.authorization.k8s.io__v1_openapi.json": "io.k8s.api.rbac.v1",
};
/** Deeper than any declared path plus the levels compose.ts keeps below it. */
const DEPTH = 8;

let loaded: Promise<Record<string, Schema>> | undefined;
/** The core/v1 document's schemas, from the module go.mod pins (read once). */
const coreSchemas = (): Promise<Record<string, Schema>> => (loaded ??= readCoreSchemas());

async function readCoreSchemas(): Promise<Record<string, Schema>> {
  const mod = /^\s*(?:require\s+)?k8s\.io\/kubernetes (v\S+)\s*$/m.exec(
    readFileSync(join(KUBE, "go.mod"), "utf8"),
  );
  if (!mod) throw new Error("tools/control-plane/kube/go.mod does not pin k8s.io/kubernetes");
  const json = await go(
    ["mod", "download", "-json", `k8s.io/kubernetes@${mod[1]}`],
    KUBE,
    "go mod download k8s.io/kubernetes",
  );
  const { Dir } = JSON.parse(json) as { Dir: string };
  const read = (file: string): Record<string, Schema> =>
    (
      JSON.parse(readFileSync(join(Dir, "api", "openapi-spec", "v3", file), "utf8")) as {
        components: { schemas: Record<string, Schema> };
      }
    ).components.schemas;
  return Object.assign({}, ...Object.keys(DOCUMENTS).map(read)) as Record<string, Schema>;
}

/** `schema` merged over what its `$ref` (or the one-entry `allOf` that wraps one) names. */
function resolved(schema: Schema, schemas: Readonly<Record<string, Schema>>): Schema {
  const ref = (schema.allOf as Schema[] | undefined)?.[0]?.$ref ?? schema.$ref;
  const named = typeof ref === "string" ? schemas[ref.split("/").at(-1) ?? ""] : undefined;
  const out: Schema = { ...named, ...schema };
  delete out.$ref;
  delete out.allOf;
  return out;
}

/**
 * `schema` with its `$ref`s replaced by what they name, and a quantity's `oneOf` of types written
 * as `anyOf`, `depth` levels down: compose.ts keeps neither `$ref` nor `oneOf`.
 */
export function dereference(
  schema: Schema,
  schemas: Readonly<Record<string, Schema>>,
  depth = DEPTH,
): Schema {
  if (depth <= 0) return {};
  const { oneOf, ...out } = resolved(schema, schemas);
  const below = (s: Schema): Schema => dereference(s, schemas, depth - 1);
  if (Array.isArray(oneOf)) out.anyOf = (oneOf as Schema[]).map(below);
  if (out.properties)
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([key, value]) => [key, below(value)]),
    );
  if (out.items) out.items = below(out.items);
  if (typeof out.additionalProperties === "object")
    out.additionalProperties = below(out.additionalProperties);
  return out;
}

/** Kubernetes' core/v1 or rbac/v1 schema of `kind` (Pod, Node, Role, ...), dereferenced. */
export async function coreSchema(kind: string): Promise<Schema> {
  const schemas = await coreSchemas();
  const names = Object.values(DOCUMENTS).map((prefix) => `${prefix}.${kind}`);
  const name = names.find((n) => n in schemas);
  if (!name) throw new Error(`k8s.io/kubernetes's OpenAPI has none of ${names.join(", ")}`);
  return dereference(schemas[name] ?? {}, schemas);
}

/** Kubernetes' core/v1 Pod schema, dereferenced. */
export const podSchema = (): Promise<Schema> => coreSchema("Pod");
