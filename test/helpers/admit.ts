import { admit } from "../../shared/admission/admit.ts";
import type { Feature } from "../../shared/admission/feature.ts";
import type { ErrorHandling } from "../../shared/admission/settings.ts";
import type { AdmissionResponse, KubeObject } from "../../shared/admission/types.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import { recordingReader } from "./cluster.ts";
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
  const settings = { errorHandling, tracking: true, viewDeadlineMs: 1000 };
  const decision = await admit(feature as Feature, admissionReview(vm).request, settings, reader);
  const response = { uid: "u", ...decision.answer };
  return {
    response,
    result: response.allowed ? applyResponse(vm, response) : vm,
    reads: reader.reads,
  };
}
