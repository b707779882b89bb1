import type { ValidateFunction } from "ajv";
import { decoderFor } from "../runtime/decode.ts";
import type { AdmissionReview } from "./types.ts";
import { validate } from "./review-validator.generated.ts";

// Compiled from reviewSchema (review-schema.ts) by ajv at build time, not at start-up, where ajv
// and the compile weigh on a cold start (npm run build regenerates it; a test keeps it current).
const validateReview = validate as ValidateFunction<AdmissionReview>;

/** A decoded AdmissionReview, or the first thing wrong with the body. */
export type DecodeResult = { review: AdmissionReview } | { error: string };

/** Checks a parsed body against the AdmissionReview schema, as the HTTP envelope takes it. */
export const decodeReviewBody = decoderFor(validateReview, "AdmissionReview");

/** Checks a parsed body against the AdmissionReview schema. */
export function decodeReview(body: unknown): DecodeResult {
  const decoded = decodeReviewBody(body);
  return "error" in decoded ? decoded : { review: decoded.value };
}
