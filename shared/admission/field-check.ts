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

/** A JSON pointer's steps, unescaped: `/metadata/labels/a~1b` is metadata, labels, a/b. */
const stepsOf = (pointer: string): string[] =>
  pointer
    .split("/")
    .slice(1)
    .map((step) => step.replaceAll("~1", "/").replaceAll("~0", "~"));

/** How steps are written: `spec.containers[0].name` as it is, `spec.containers[].name` declared. */
const written = (steps: readonly string[], index: (step: string) => string): string =>
  steps
    .map((step) => (/^\d+$/.test(step) ? index(step) : `.${step}`))
    .join("")
    .slice(1);

/**
 * The innermost declared field that holds `pointer` (a JSON pointer), as declared (a list's entries
 * are `[]`) and at the entry it names (`spec.containers[0].name`).
 */
function fieldOf(
  pointer: string,
  expectations: Readonly<Record<string, string>>,
): { declared: string; at: string } {
  const steps = stepsOf(pointer);
  for (let length = steps.length; length > 0; length -= 1) {
    const declared = written(steps.slice(0, length), () => "[]");
    if (declared in expectations)
      return { declared, at: written(steps.slice(0, length), (i) => `[${i}]`) };
  }
  const at = written(steps, (i) => `[${i}]`);
  return { declared: at, at };
}

/**
 * Throws the feature's error for the first field of `object` whose type is not what the schema
 * says, naming it and the shape it must have; a feature then never meets a string where it
 * iterates a list.
 */
export function checkFields(check: FieldCheck, object: unknown): void {
  if (check.validate(object)) return;
  const pointer = check.validate.errors?.[0]?.instancePath ?? "";
  const { declared, at } = fieldOf(pointer, check.expectations);
  const expected = check.expectations[declared] ?? "what the object's schema says";
  throw new FeatureError(`${at} must be ${expected}`, {
    field: at,
    fix: `write ${at} as ${expected}, or leave it out`,
  });
}
