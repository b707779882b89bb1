/** Shapes of the admission.k8s.io AdmissionReview, v1 and v1beta1 (identical on the wire). */
import type { KubeObject } from "../basics/kube-object.ts";

/** The operations an AdmissionRequest can carry. */
export type Operation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

/** The AdmissionReview versions the core answers. */
export const REVIEW_API_VERSIONS = ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"] as const;
/** One of REVIEW_API_VERSIONS. */
export type ReviewApiVersion = (typeof REVIEW_API_VERSIONS)[number];

/** A kind with its group and version, as the request names it. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** The request an AdmissionReview carries. */
export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource?: { group: string; version: string; resource: string };
  subResource?: string;
  /** The kind and resource the client asked for, before any conversion (matchPolicy). */
  requestKind?: GroupVersionKind;
  requestResource?: { group: string; version: string; resource: string };
  name?: string;
  namespace?: string;
  operation: Operation;
  userInfo?: { username?: string; uid?: string; groups?: string[] };
  object?: KubeObject | null;
  oldObject?: KubeObject | null;
  dryRun?: boolean;
  options?: unknown;
}

/** The AdmissionReview the API server sends. */
export interface AdmissionReview {
  apiVersion: ReviewApiVersion;
  kind: "AdmissionReview";
  request: AdmissionRequest;
}

/** The status of a denial. */
export interface ResponseStatus {
  status: "Failure";
  code: number;
  reason: string;
  message: string;
}

/** The response the core answers with. */
export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: ResponseStatus;
  patchType?: "JSONPatch";
  patch?: string;
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

/** The AdmissionReview the core sends back. */
export interface AdmissionReviewResponse {
  apiVersion: ReviewApiVersion;
  kind: "AdmissionReview";
  response: AdmissionResponse;
}
