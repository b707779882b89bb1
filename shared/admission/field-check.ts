import { FeatureError } from "../basics/errors.ts";
import { parseQuantity, readQuantity } from "../kube/quantity.ts";

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
  /**
   * Where the checked fields hold quantities (`spec.containers[].resources.limits.*`: `[]` each
   * entry of a list, `*` each value of a map), each read as Kubernetes reads one.
   */
  quantities?: readonly string[];
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
  if (check.validate(object)) {
    for (const path of check.quantities ?? []) checkQuantities(object, stepsOfPath(path), []);
    return;
  }
  const pointer = check.validate.errors?.[0]?.instancePath ?? "";
  const { declared, at } = fieldOf(pointer, check.expectations);
  const expected = check.expectations[declared] ?? "what the object's schema says";
  throw new FeatureError(`${at} must be ${expected}`, {
    field: at,
    fix: `write ${at} as ${expected}, or leave it out`,
  });
}

// Each declared path's steps, split once: checkFields runs on every review.
const splitPaths = new Map<string, readonly string[]>();
const stepsOfPath = (path: string): readonly string[] => {
  let steps = splitPaths.get(path);
  if (!steps) {
    steps = path.split(/\.|(?=\[\])/);
    splitPaths.set(path, steps);
  }
  return steps;
};

/**
 * Throws readQuantity's error for the first value `steps` lead to from `value` that is no
 * quantity. `trail` holds what each step took (an index, a key, a field): where a value is, is
 * written only for the error, since every review walks these paths.
 */
function checkQuantities(
  value: unknown,
  steps: readonly string[],
  trail: (string | number)[],
): void {
  const step = steps[trail.length];
  if (step === undefined) return checkQuantity(value, steps, trail);
  if (typeof value !== "object" || value === null) return;
  const record = value as Record<string, unknown>;
  if (step !== "[]" && step !== "*") return taking(record, step, steps, trail);
  for (const key in record) if (Object.hasOwn(record, key)) taking(record, key, steps, trail);
}

function checkQuantity(value: unknown, steps: readonly string[], trail: (string | number)[]): void {
  if ((typeof value === "string" || typeof value === "number") && !parseQuantity(value))
    readQuantity(value, whereTaken(steps, trail));
}

function taking(
  record: Record<string, unknown>,
  key: string,
  steps: readonly string[],
  trail: (string | number)[],
): void {
  trail.push(key);
  checkQuantities(record[key], steps, trail);
  trail.pop();
}

/** Where `trail` leads: `spec.containers[0].resources.limits["memory"]`. */
function whereTaken(steps: readonly string[], trail: readonly (string | number)[]): string {
  const parts = trail.map((taken, i) => {
    if (steps[i] === "[]") return `[${taken}]`;
    return steps[i] === "*" ? `[${JSON.stringify(taken)}]` : `.${taken}`;
  });
  return parts.join("").replace(/^\./, "");
}
