import { Ajv } from "ajv";
import type { Schema } from "ajv";

export type Decoded<T> = { value: T } | { error: string };

/**
 * A checker for a parsed JSON body, compiled once (at module load, where it is called): the answer
 * is the body, typed, or the first violation as `invalid <what>: <where> <message>`.
 */
export function jsonDecoder<T>(schema: Schema, what: string): (body: unknown) => Decoded<T> {
  const validate = new Ajv({ allErrors: false }).compile<T>(schema);
  return (body: unknown): Decoded<T> => {
    if (validate(body)) return { value: body };
    const first = validate.errors?.[0];
    const where = first?.instancePath ? first.instancePath : "(root)";
    return { error: `invalid ${what}: ${where} ${first?.message ?? "is malformed"}` };
  };
}
