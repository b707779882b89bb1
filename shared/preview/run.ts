import jsonpatch from "fast-json-patch";
import { admit } from "../admission/admit.ts";
import type { ClusterReader } from "../kube/reader.ts";
import type { Feature } from "../admission/feature.ts";
import type { PatchOperation } from "../admission/patch.ts";
import { settingsFromEnv } from "../admission/settings.ts";
import type { AdmissionRequest } from "../admission/types.ts";
import type { KubeObject } from "../basics/kube-object.ts";

/** What the preview made of one object: the decisions and the object after them. */
export interface PreviewResult {
  patches: Record<string, PatchOperation[]>;
  object: KubeObject;
  warnings?: Record<string, string[]>;
  /** The function that denied the object, as the API server would report it; the chain stops there. */
  denied?: { function: string; message: string };
}

/**
 * Runs the object through the features in webhook order, each seeing the previous one's output,
 * exactly as the API server chains mutating webhooks: the same admission path, patches applied
 * with an RFC 6902 implementation. `cluster` is what the features read (a snapshot offline).
 */
export async function preview(
  object: KubeObject,
  features: readonly Feature[],
  cluster: ClusterReader,
): Promise<PreviewResult> {
  const result: PreviewResult = { patches: {}, object: structuredClone(object) };
  for (const feature of features) {
    const decision = await admit(
      feature,
      toRequest(result.object),
      settingsFromEnv(feature.name),
      cluster,
    );
    const { answer } = decision;
    if (answer.warnings) (result.warnings ??= {})[feature.name] = answer.warnings;
    if (!answer.allowed) {
      result.denied = { function: feature.name, message: answer.status?.message ?? "denied" };
      return result;
    }
    const ops = answer.patch
      ? (JSON.parse(Buffer.from(answer.patch, "base64").toString()) as PatchOperation[])
      : [];
    if (decision.result !== "ignored") result.patches[feature.name] = ops;
    result.object = jsonpatch.applyPatch(result.object, ops, true, false).newDocument;
  }
  return result;
}

function toRequest(object: KubeObject): AdmissionRequest {
  const apiVersion = object.apiVersion ?? "v1";
  const slash = apiVersion.lastIndexOf("/");
  const meta = object.metadata ?? {};
  return {
    uid: "preview",
    kind: {
      group: apiVersion.slice(0, Math.max(slash, 0)),
      version: apiVersion.slice(slash + 1),
      kind: object.kind ?? "",
    },
    namespace: meta.namespace ?? "default",
    name: meta.name ?? "",
    operation: "CREATE",
    object,
    dryRun: true,
  };
}
