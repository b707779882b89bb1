import { FeatureError } from "../basics/errors.ts";
import type { KubeObject } from "../basics/kube-object.ts";

// The core's own edits of an object's annotations. The API server checks an object's types only
// after mutating admission, so a webhook can be sent `metadata.annotations: "x"` or a label whose
// value is a number; these helpers never assume more than they check.

const MAPS = ["labels", "annotations"] as const;

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Refuses an object whose metadata, labels or annotations are not what the API will store
 * (objects mapping keys to strings), so every feature may rely on their types.
 */
export function checkMetadata(object: KubeObject): void {
  const metadata: unknown = object.metadata;
  if (metadata === undefined) return;
  if (!isMap(metadata)) throw malformed("metadata", "an object");
  for (const map of MAPS) {
    const value = metadata[map];
    if (value === undefined || value === null) continue;
    if (!isMap(value) || Object.values(value).some((v) => typeof v !== "string"))
      throw malformed(`metadata.${map}`, "a map of strings to strings");
  }
}

function malformed(field: string, shape: string): FeatureError {
  return new FeatureError(`the object's ${field} is not ${shape}`, {
    field,
    fix: `send ${field} as ${shape}, as the Kubernetes API requires`,
  });
}

/**
 * The object with one annotation set, as a new object sharing everything else with `object`
 * (never changed: it may be the reviewed object). Annotations that are no map are left alone.
 */
export function setAnnotation<T extends KubeObject>(object: T, key: string, value: string): T {
  const metadata: unknown = object.metadata ?? {};
  const annotations: unknown = isMap(metadata) ? (metadata["annotations"] ?? {}) : undefined;
  if (!isMap(metadata) || !isMap(annotations)) return object;
  return {
    ...object,
    metadata: {
      ...metadata,
      annotations: { ...(annotations as Record<string, string>), [key]: value },
    },
  };
}

/** The object without one annotation, a new object when it had it; `object` is never changed. */
export function removeAnnotation<T extends KubeObject>(object: T, key: string): T {
  if (!hasAnnotation(object, key)) return object;
  const annotations = { ...object.metadata?.annotations };
  delete annotations[key];
  return { ...object, metadata: { ...object.metadata, annotations } };
}

/** Whether the object carries the annotation. */
export function hasAnnotation(object: KubeObject, key: string): boolean {
  const annotations: unknown = isMap(object.metadata) ? object.metadata["annotations"] : undefined;
  return isMap(annotations) && Object.hasOwn(annotations, key);
}
