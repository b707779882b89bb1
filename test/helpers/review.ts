import { deepFreeze } from "../../shared/basics/sharing.ts";
import type { PatchOperation } from "../../shared/admission/patch.ts";
import type {
  AdmissionRequest,
  AdmissionResponse,
  AdmissionReview,
} from "../../shared/admission/types.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import { applyJsonPatch } from "./json-patch.ts";

/** A fresh VirtualMachine on every call, with overrides for metadata and the VMI spec. */
export function virtualMachine(
  options: {
    name?: string;
    namespace?: string;
    annotations?: Record<string, string>;
    vmiSpec?: Record<string, unknown>;
  } = {},
): VirtualMachine {
  return {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachine",
    metadata: {
      name: options.name ?? "vm-1",
      namespace: options.namespace ?? "default",
      ...(options.annotations ? { annotations: { ...options.annotations } } : {}),
    },
    spec: {
      runStrategy: "Always",
      template: {
        metadata: { labels: { "kubevirt.io/vm": options.name ?? "vm-1" } },
        spec: {
          domain: { devices: {}, resources: { requests: { memory: "1Gi" } } },
          ...structuredClone(options.vmiSpec ?? {}),
        },
      },
    },
  };
}

/** A fresh AdmissionReview for `object` on every call. */
export function admissionReview(
  object: KubeObject | null,
  overrides: Partial<AdmissionRequest> & { apiVersion?: AdmissionReview["apiVersion"] } = {},
): AdmissionReview {
  const { apiVersion = "admission.k8s.io/v1", ...request } = overrides;
  return {
    apiVersion,
    kind: "AdmissionReview",
    request: {
      uid: "705ab4f5-6393-11e8-b7cc-42010a800002",
      kind: { group: "kubevirt.io", version: "v1", kind: "VirtualMachine" },
      resource: { group: "kubevirt.io", version: "v1", resource: "virtualmachines" },
      name: object?.metadata?.name ?? "",
      namespace: object?.metadata?.namespace ?? "default",
      operation: "CREATE",
      userInfo: { username: "admin" },
      // A feature reads the reviewed object and never changes it: in a module, which is strict,
      // a change to a frozen object throws, so a feature that breaks the contract fails its tests.
      object: deepFreeze(structuredClone(object)),
      oldObject: null,
      dryRun: false,
      ...request,
    },
  };
}

export function decodePatch(response: AdmissionResponse): PatchOperation[] {
  if (response.patch === undefined) return [];
  return JSON.parse(Buffer.from(response.patch, "base64").toString()) as PatchOperation[];
}

/**
 * Applies the response's patch to the original as the API server does, with the tests' own strict
 * RFC 6902 implementation rather than fast-json-patch, which wrote the patch.
 */
export function applyResponse<T>(original: T, response: AdmissionResponse): T {
  return applyJsonPatch(original, decodePatch(response));
}

/** A shallow copy of `object` without `keys`. */
export function omit<T extends object>(object: T, ...keys: string[]): T {
  const copy = { ...object } as Record<string, unknown>;
  for (const key of keys) delete copy[key];
  return copy as T;
}
