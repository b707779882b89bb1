import { Ajv } from "ajv";
import type { Schema, ValidateFunction } from "ajv";

export type Decoded<T> = { value: T } | { error: string };

/**
 * A checker for a parsed JSON body from a compiled validator (one generated at build time, or
 * compiled once at module load by jsonDecoder): the answer is the body, typed, or the first
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

/** decoderFor a schema compiled once, where this is called (at module load). */
export function jsonDecoder<T>(schema: Schema, what: string): (body: unknown) => Decoded<T> {
  return decoderFor(new Ajv({ allErrors: false }).compile<T>(schema), what);
}
