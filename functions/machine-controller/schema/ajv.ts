import { Ajv } from "ajv";
import type { Options } from "ajv";

/** The `x-kubernetes-*` extensions ajv must accept; the API server enforces them, ajv does not. */
export const KUBERNETES_KEYWORDS = [
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-validations",
  "x-kubernetes-int-or-string",
  "x-kubernetes-preserve-unknown-fields",
] as const;

/**
 * An ajv that reads CRD schemas: strict about unknown keywords, `verbose` so errors carry the
 * value (`options` adds to these: the build asks for standalone code). Not strict about types: a quantity is `anyOf: [integer, string]` with a `pattern` beside
 * it (what controller-gen writes for resource.Quantity), which ajv's strictTypes refuses.
 */
export function kubernetesAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({
    allErrors: false,
    verbose: true,
    strict: true,
    strictTypes: false,
    ...options,
  });
  ajv.addVocabulary([...KUBERNETES_KEYWORDS]);
  ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
  return ajv;
}
