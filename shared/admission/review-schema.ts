import { REVIEW_API_VERSIONS } from "./types.ts";

// Only what the core relies on is required; everything else passes through untouched so that a
// newer API server's extra fields never turn into a 400.
/** The AdmissionReview JSON schema the build compiles into the review validator. */
export const reviewSchema = {
  type: "object",
  required: ["apiVersion", "kind", "request"],
  properties: {
    apiVersion: { enum: [...REVIEW_API_VERSIONS] },
    kind: { const: "AdmissionReview" },
    request: {
      type: "object",
      required: ["uid", "kind", "operation"],
      properties: {
        uid: { type: "string", minLength: 1 },
        kind: {
          type: "object",
          required: ["group", "version", "kind"],
          properties: {
            group: { type: "string" },
            version: { type: "string" },
            kind: { type: "string" },
          },
        },
        operation: { enum: ["CREATE", "UPDATE", "DELETE", "CONNECT"] },
        name: { type: "string" },
        namespace: { type: "string" },
        object: { type: ["object", "null"] },
        oldObject: { type: ["object", "null"] },
        dryRun: { type: "boolean" },
      },
    },
  },
} as const;
