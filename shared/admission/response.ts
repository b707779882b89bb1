import { encodePatch } from "./patch.ts";
import type { PatchOperation } from "./patch.ts";
import type {
  AdmissionResponse,
  AdmissionReview,
  AdmissionReviewResponse,
  ResponseStatus,
} from "./types.ts";

// Constructors in the style of controller-runtime's admission package. The uid is filled in by
// `toReviewResponse`, so no feature path can forget it.

/** An AdmissionResponse before the uid is filled in. */
export type Answer = Omit<AdmissionResponse, "uid">;

/** Allowed, unchanged. */
export function allowed(warnings: readonly string[] = []): Answer {
  return withWarnings({ allowed: true }, warnings);
}

/** Allowed with a patch; an empty op list is plain `allowed` (no patchType, no patch). */
export function patched(ops: readonly PatchOperation[], warnings: readonly string[] = []): Answer {
  if (ops.length === 0) return allowed(warnings);
  return withWarnings({ allowed: true, patchType: "JSONPatch", patch: encodePatch(ops) }, warnings);
}

/** Denied with the message and status code (403 by default). */
export function denied(message: string, code = 403, warnings: readonly string[] = []): Answer {
  return withWarnings({ allowed: false, status: failure(code, message) }, warnings);
}

function failure(code: number, message: string): ResponseStatus {
  return { status: "Failure", code, reason: reasonFor(code), message };
}

function reasonFor(code: number): string {
  if (code === 400) return "BadRequest";
  if (code === 403) return "Forbidden";
  if (code === 503) return "ServiceUnavailable";
  return "InternalError";
}

// The API server drops a warning that contains any control character (apimachinery's
// NewWarningHeader), so every line becomes its own warning (knative/pkg does the same) and any
// other control character, such as a tab or NUL echoed from a user's value, is written as \uXXXX.
function withWarnings(answer: Answer, warnings: readonly string[]): Answer {
  const lines = warnings
    .flatMap((w) => w.split(/[\r\n]+/))
    .filter((w) => w.trim() !== "")
    .map((w) =>
      w.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
    );
  return lines.length ? { ...answer, warnings: lines } : answer;
}

/** The envelope: same apiVersion as the request, `response.uid` = `request.uid`. */
export function toReviewResponse(review: AdmissionReview, answer: Answer): AdmissionReviewResponse {
  return {
    apiVersion: review.apiVersion,
    kind: "AdmissionReview",
    response: { uid: review.request.uid, ...answer },
  };
}
