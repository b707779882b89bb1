import { checkFields } from "../admission/field-check.ts";
import { FeatureError } from "../basics/errors.ts";
import type { KubeObject } from "../basics/kube-object.ts";
import { kindInfo } from "../kube/kinds.ts";
import { unusableObject } from "./input.ts";
import { SNAPSHOT_FIELDS } from "./snapshot-fields.ts";
import { fieldExpectations, quantityFields } from "./snapshot-schema.generated.ts";
import { validate } from "./snapshot-validator.generated.ts";

const CHECK = { validate, expectations: fieldExpectations, quantities: quantityFields };

/**
 * Why a snapshot object is not one the API server would serve, in one line naming it and the
 * field (`Node n1: metadata.labels must be a map of strings ...`); undefined when the features can
 * read it. Its metadata is checked as the preview checks its manifest's, and the fields the
 * features read of its kind (shared/preview/snapshot-fields.ts) against the kind's schema.
 */
export function malformedSnapshotObject(object: KubeObject): string | undefined {
  const unusable = unusableObject(object);
  if (unusable) return `${nameOf(object)}: ${unusable}`;
  const kind = object.kind ?? "";
  if (!(kind in SNAPSHOT_FIELDS) || !kindInfo(refOf(object))) return undefined;
  try {
    checkFields(CHECK, { [kind]: object });
    return undefined;
  } catch (error) {
    if (!(error instanceof FeatureError)) throw error;
    const unwrapped = (text: string): string => text.replaceAll(`${kind}.`, "");
    return `${nameOf(object)}: ${unwrapped(error.message)}. Fix: ${unwrapped(error.fix)}`;
  }
}

const refOf = (object: KubeObject): { apiVersion: string; kind: string } => ({
  apiVersion: object.apiVersion ?? "",
  kind: object.kind ?? "",
});

/** `Node n1`, `ConfigMap lab/rules`: how the object is named in a message. */
function nameOf(object: KubeObject): string {
  const { name, namespace } = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const named = typeof name === "string" ? name : "(no name)";
  return `${String(object.kind ?? "object")} ${typeof namespace === "string" && namespace ? `${namespace}/` : ""}${named}`;
}
