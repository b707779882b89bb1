// Checks objects against the upstream CRDs (scripts/cluster/upstream-crds.ts) as the API server
// would store them: what the schema refuses, and what it would silently prune.
import { prunedFields } from "./crd-pruning.ts";
import { crdValidator } from "./crd-validator.ts";

type Crd = Record<string, unknown>;
interface CrdSpec {
  group: string;
  names: { kind: string };
  versions: { name: string; schema?: { openAPIV3Schema?: Record<string, unknown> } }[];
}

export interface StoredObject {
  apiVersion?: string;
  kind?: string;
}

/** The CRD's name (metadata.name). */
export const crdName = (crd: Crd): string => String((crd["metadata"] as { name?: string }).name);

/**
 * A checker over `crds`: for an object, every refusal and every pruned path (`pruned <path>`), or
 * one line when no CRD serves its kind and version.
 */
export function upstreamChecker(crds: readonly Crd[]): (object: StoredObject) => string[] {
  const checks = new Map<string, (object: unknown) => string[]>();
  for (const crd of crds) {
    const spec = crd["spec"] as CrdSpec;
    for (const version of spec.versions) {
      const schema = version.schema?.openAPIV3Schema ?? {};
      const validate = crdValidator(schema);
      checks.set(`${spec.group}/${version.name} ${spec.names.kind}`, (object) => [
        ...validate(object),
        ...prunedFields(schema, object).map((path) => `pruned ${path}`),
      ]);
    }
  }
  return (object) => {
    const key = `${object.apiVersion ?? ""} ${object.kind ?? ""}`;
    const check = checks.get(key);
    return check ? check(object) : [`no upstream CRD serves ${key}`];
  };
}
