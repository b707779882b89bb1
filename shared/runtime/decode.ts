// Types only: ajv itself is loaded by json-decoder.ts, where a schema is compiled at start-up,
// and by no admission function (their validator is compiled at build time).
import type { ValidateFunction } from "ajv";

export type Decoded<T> = { value: T } | { error: string };

/**
 * A checker for a parsed JSON body from a compiled validator (one generated at build time, or
 * compiled once at module load by jsonDecoder in json-decoder.ts): the answer is the body, typed, or the first
 * violation as `invalid <what>: <where> <message>`.
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
