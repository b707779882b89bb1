import type { ValidateFunction } from "ajv";
import type { AdmissionReview } from "./types.ts";
import { validate } from "./review-validator.generated.ts";

// Compiled from reviewSchema (review-schema.ts) by ajv at build time, not at start-up: ajv and the
// compile were a fifth of a cold start (npm run build regenerates it; a test checks it is current).
const validateReview = validate as ValidateFunction<AdmissionReview>;

export type DecodeResult = { review: AdmissionReview } | { error: string };

/** Checks a parsed body against the AdmissionReview schema. */
export function decodeReview(body: unknown): DecodeResult {
  if (validateReview(body)) return { review: body };
  const first = validateReview.errors?.[0];
  const where = first?.instancePath ? first.instancePath : "(root)";
  return { error: `invalid AdmissionReview: ${where} ${first?.message ?? "is malformed"}` };
}
