import { FeatureError } from "../basics/errors.ts";

/** ajv's standalone validator, as scripts/generate-validators.ts writes it. */
export interface FieldValidator {
  (data: unknown): boolean;
  errors?: { instancePath: string }[] | null;
}

/**
 * The types of the fields a feature reads and writes, checked before it reads them: a validator
 * compiled ahead of time from KubeVirt's (or Kubernetes') schema for those fields, and what each
 * field must be, in words (`a list of {name, policy}`).
 */
export interface FieldCheck {
  validate: FieldValidator;
  expectations: Readonly<Record<string, string>>;
}

/** The declared field that holds `pointer` (a JSON pointer), the innermost one. */
function fieldOf(pointer: string, expectations: Readonly<Record<string, string>>): string {
  const parts = pointer.split("/").slice(1);
  for (let length = parts.length; length > 0; length -= 1) {
    const path = parts.slice(0, length).join(".");
    if (path in expectations) return path;
  }
  return parts.join(".");
}

/**
 * Throws the feature's error for the first field of `object` whose type is not what the schema
 * says, naming it and the shape it must have; a feature then never meets a string where it
 * iterates a list.
 */
export function checkFields(check: FieldCheck, object: unknown): void {
  if (check.validate(object)) return;
  const field = fieldOf(check.validate.errors?.[0]?.instancePath ?? "", check.expectations);
  const expected = check.expectations[field] ?? "what the VirtualMachine schema says";
  throw new FeatureError(`${field} must be ${expected}`, {
    field,
    fix: `write ${field} as ${expected}, or leave it out`,
  });
}
