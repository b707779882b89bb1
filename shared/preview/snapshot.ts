import { parseAllDocuments } from "yaml";
import type { KubeObject } from "../basics/kube-object.ts";

/**
 * Reads one or more YAML documents; each may be an object or a `List` of objects, as
 * `kubectl get <kind> -A -o yaml` prints them (docs/preview.md's snapshot recipe, one kind at a time).
 */
export function parseObjects(text: string, source: string): KubeObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    // The parser's message ends with the line quoted and a caret; its first line names where.
    if (doc.errors.length)
      throw new Error(`${source}: not valid YAML: ${firstLine(doc.errors[0]?.message ?? "")}`);
    return unwrapList(doc.toJS() as unknown, source);
  });
}

function unwrapList(value: unknown, source: string): KubeObject[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== "object" || Array.isArray(value))
    throw new Error(`${source}: a document is not an object`);
  const object = value as KubeObject & { items?: KubeObject[] };
  return object.kind?.endsWith("List") && Array.isArray(object.items) ? object.items : [object];
}

const firstLine = (message: string): string => (message.split("\n")[0] ?? "").replace(/:$/, "");
