import { Ajv } from "ajv";
import type { Schema } from "ajv";
import type { Decoded } from "./decode.ts";
import { decoderFor } from "./decode.ts";

/** decoderFor a schema compiled once, where this is called (at module load). */
export function jsonDecoder<T>(schema: Schema, what: string): (body: unknown) => Decoded<T> {
  return decoderFor(new Ajv({ allErrors: false }).compile<T>(schema), what);
}
