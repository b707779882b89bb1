/** Shapes of the admission.k8s.io AdmissionReview, v1 and v1beta1 (identical on the wire). */
import type { KubeObject } from "../basics/kube-object.ts";

export type Operation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

export const REVIEW_API_VERSIONS = ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"] as const;
export type ReviewApiVersion = (typeof REVIEW_API_VERSIONS)[number];

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource?: { group: string; version: string; resource: string };
  subResource?: string;
  name?: string;
  namespace?: string;
  operation: Operation;
  userInfo?: { username?: string; uid?: string; groups?: string[] };
  object?: KubeObject | null;
  oldObject?: KubeObject | null;
  dryRun?: boolean;
  options?: unknown;
}

export interface AdmissionReview {
  apiVersion: ReviewApiVersion;
  kind: "AdmissionReview";
  request: AdmissionRequest;
}

export interface ResponseStatus {
  status: "Failure";
  code: number;
  reason: string;
  message: string;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: ResponseStatus;
  patchType?: "JSONPatch";
  patch?: string;
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

export interface AdmissionReviewResponse {
  apiVersion: ReviewApiVersion;
  kind: "AdmissionReview";
  response: AdmissionResponse;
}
