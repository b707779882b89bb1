// Types only: every validator is compiled at build time (scripts/generate-validators.ts), so no
// function loads ajv or compiles a schema at start-up.
import type { ValidateFunction } from "ajv";

/** A checked body, or the first thing wrong with it. */
export type Decoded<T> = { value: T } | { error: string };

/**
 * A checker for a parsed JSON body from a validator generated at build time: the answer is the
 * body, typed, or the first violation as `invalid <what>: <where> <message>`.
 */
export function decoderFor<T>(
  validate: ValidateFunction<T>,
  what: string,
): (body: unknown) => Decoded<T> {
  return (body: unknown): Decoded<T> => {
    if (validate(body)) return { value: body };
    const first = validate.errors?.[0];
    const where = first?.instancePath ? first.instancePath : "(root)";
    return { error: `invalid ${what}: ${where} ${first?.message ?? "is malformed"}` };
  };
}
