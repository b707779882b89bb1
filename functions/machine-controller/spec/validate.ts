import type { ErrorObject, ValidateFunction } from "ajv";
import type { MachineSpec } from "../api.ts";
import { TEMPLATE_NAMES } from "../api.ts";
import type { Problem } from "./problems.ts";
import { conditionOf, problem } from "./problems.ts";
import { validate } from "../schema/machine-spec-validator.generated.ts";

// The CRD's own schema, compiled ahead of time (npm run build), so that a Machine stored before the
// CRD was installed or tightened gets the answer the API server would give.
const validateSpec = validate as ValidateFunction<MachineSpec>;

/** The spec, typed, or the first way it breaks the Machine schema. */
export function checkSpec(spec: unknown): MachineSpec | Problem {
  if (validateSpec(spec)) return spec;
  const error = validateSpec.errors?.[0];
  return error ? explain(error) : invalid("spec", "spec is malformed", "follow the Machine schema");
}

/** `/disks/1/size` as users read it: `spec.disks[1].size`. */
export function fieldName(instancePath: string): string {
  return instancePath
    .split("/")
    .slice(1)
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : `${path}.${part}`), "spec");
}

function explain(error: ErrorObject): Problem {
  const missing = error.keyword === "required" ? String(error.params["missingProperty"]) : "";
  const field = fieldName(error.instancePath) + (missing ? `.${missing}` : "");
  const value = JSON.stringify(error.data);
  if (field === "spec.template") {
    const what = missing ? "spec.template is required" : `${value} is not a template`;
    const fix = `use one of ${TEMPLATE_NAMES.join(", ")}`;
    return problem("VirtualMachineReady", "TemplateNotFound", what, { field, fix });
  }
  if (missing) return invalid(field, `${field} is required`, "set it");
  if (field.endsWith(".size")) return invalidQuantity(field, value);
  if (error.keyword === "enum") {
    const allowed = (error.params["allowedValues"] as unknown[]).map(String).join(", ");
    return invalid(field, `${value} is not one of ${allowed}`, `use one of ${allowed}`);
  }
  const fix = "follow the Machine schema (docs/functions/machine-controller.md)";
  const given = error.data === undefined ? "" : `, not ${value}`;
  return invalid(field, `${field} ${error.message ?? "is invalid"}${given}`, fix);
}

export function invalidQuantity(field: string, value: string): Problem {
  return problem(conditionOf(field), "InvalidQuantity", `${value} is not a size`, {
    field,
    fix: "write a positive Kubernetes quantity such as 40Gi or 512Mi",
  });
}

export function invalid(field: string, what: string, fix: string): Problem {
  return problem(conditionOf(field), "InvalidSpec", what, { field, fix });
}
