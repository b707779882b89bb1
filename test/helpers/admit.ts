import { admit } from "../../shared/admission/admit.ts";
import type { Feature } from "../../shared/admission/feature.ts";
import type { ErrorHandling } from "../../shared/admission/settings.ts";
import type { AdmissionRequest, AdmissionResponse } from "../../shared/admission/types.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { Pod } from "../../shared/kube/pod.ts";
import type { ClusterReader } from "../../shared/kube/reader.ts";
import { EMPTY_CLUSTER } from "../../shared/kube/snapshot-reader.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import { recordingReader } from "./cluster.ts";
import { podReview } from "./launcher-pod.ts";
import { admissionReview, applyResponse } from "./review.ts";

export interface Admitted {
  response: AdmissionResponse;
  /** The VM with the response's patch applied (RFC 6902), or the VM itself when denied. */
  result: VirtualMachine;
  /** What the feature read, in the words of the error messages (`nodes`, `kubevirts`). */
  reads: string[];
}

/** Admits the VM through the core with `feature`, over a recorded snapshot of `cluster`. */
export async function admitVm(
  feature: Feature<VirtualMachine>,
  vm: VirtualMachine,
  cluster: readonly KubeObject[],
  errorHandling: ErrorHandling = "reject",
): Promise<Admitted> {
  const reader = recordingReader(cluster);
  const answer = await admitted<VirtualMachine>(
    feature as Feature,
    admissionReview(vm),
    reader,
    errorHandling,
  );
  return { ...answer, reads: reader.reads };
}

export interface PodOptions {
  /** Defaults to an empty cluster. */
  cluster?: ClusterReader;
  errorHandling?: ErrorHandling;
  /** Overrides of the AdmissionRequest, e.g. `{ operation: "UPDATE" }`. */
  overrides?: Parameters<typeof podReview>[1];
}

/** Admits the Pod through the core with `feature`; `result` is the patched pod (or the pod). */
export async function admitPod(
  feature: Feature<Pod>,
  pod: Pod,
  { cluster = EMPTY_CLUSTER, errorHandling = "reject", overrides = {} }: PodOptions = {},
): Promise<{ response: AdmissionResponse; result: Pod }> {
  return admitted<Pod>(feature as Feature, podReview(pod, overrides), cluster, errorHandling);
}

async function admitted<T extends KubeObject>(
  feature: Feature,
  review: { request: AdmissionRequest },
  cluster: ClusterReader,
  errorHandling: ErrorHandling,
): Promise<{ response: AdmissionResponse; result: T }> {
  const original = review.request.object as T;
  const settings = { errorHandling, tracking: true, viewDeadlineMs: 1000 };
  const decision = await admit(feature, review.request, settings, cluster);
  const response = { uid: "u", ...decision.answer };
  return { response, result: response.allowed ? applyResponse(original, response) : original };
}
