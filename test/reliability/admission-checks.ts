import fc from "fast-check";
import type { Arbitrary } from "fast-check";
import type { Feature } from "../../shared/admission/feature.ts";
import { appliedAnnotation, errorAnnotation } from "../../shared/admission/annotations.ts";
import type { AdmissionReviewResponse } from "../../shared/admission/types.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import { mapValue, scrambled } from "../helpers/arbitraries/common.ts";
import { launcherPods } from "../helpers/arbitraries/launcher-pod.ts";
import { virtualMachines } from "../helpers/arbitraries/vm.ts";
import { parsePointer } from "../helpers/json-patch.ts";
import type { AdmissionLine } from "./line.ts";

// What the properties check in every answer, for any feature.

/** Objects of the kind the feature handles, with its trigger and the core's annotations mixed in. */
export function objectsFor(feature: Feature, line: AdmissionLine): Arbitrary<KubeObject> {
  const annotations = [
    fc.tuple(
      fc.constant(feature.triggerAnnotation),
      fc.oneof(fc.constantFrom(...line.values), mapValue),
    ),
    fc.tuple(fc.constant(feature.triggerAnnotation), fc.constantFrom(...line.values)),
    fc.tuple(fc.constant(appliedAnnotation(feature.name)), mapValue),
    fc.tuple(fc.constant(errorAnnotation(feature.name)), mapValue),
  ];
  const kinds = feature.kinds.map((k) => k.kind);
  if (kinds.includes("VirtualMachine")) return virtualMachines({ annotations });
  if (kinds.includes("Pod")) return launcherPods({ annotations });
  throw new Error(`no generator for ${kinds.join(", ")}: add one to test/helpers/arbitraries/`);
}

/** The same objects with some members replaced by arbitrary JSON. */
export function scrambledFor(feature: Feature, line: AdmissionLine): Arbitrary<KubeObject> {
  return scrambled(objectsFor(feature, line));
}

const OPS = ["add", "remove", "replace", "move", "copy", "test"];

/** The problems with a review response, as the API server would judge it; [] when well formed. */
export function responseProblems(
  feature: string,
  uid: string,
  review: AdmissionReviewResponse,
): string[] {
  const r = review.response;
  return [
    ...(r.uid === uid ? [] : [`uid ${r.uid} is not the request's ${uid}`]),
    ...(typeof r.allowed === "boolean" ? [] : ["allowed is not a boolean"]),
    ...patchTypeProblems(r),
    ...(r.allowed ? [] : denialProblems(feature, r)),
    ...textProblems(r),
  ];
}

type Response = AdmissionReviewResponse["response"];

function patchTypeProblems(r: Response): string[] {
  if (r.patch === undefined && r.patchType === undefined) return [];
  if (r.patch === undefined || r.patchType === undefined)
    return ["patch and patchType come only together"];
  if (r.patchType !== "JSONPatch") return ["patchType is not JSONPatch"];
  return patchProblems(r.patch);
}

// The API server drops a warning with any control character.
function textProblems(r: Response): string[] {
  const warnings = (r.warnings ?? []).filter(
    (w) => typeof w !== "string" || w.trim() === "" || /\p{Cc}/u.test(w),
  );
  const audit = Object.values(r.auditAnnotations ?? {}).filter((v) => typeof v !== "string");
  return [
    ...warnings.map((w) => `bad warning ${JSON.stringify(w)}`),
    ...audit.map(() => "an audit annotation is not a string"),
  ];
}

function patchProblems(patch: string): string[] {
  let ops: unknown;
  try {
    ops = JSON.parse(Buffer.from(patch, "base64").toString("utf8"));
  } catch {
    return ["patch is not base64 JSON"];
  }
  if (!Array.isArray(ops) || ops.length === 0)
    return ["patch is not a non-empty list of operations"];
  return ops.flatMap((op: { op?: unknown; path?: unknown }) =>
    OPS.includes(String(op.op)) && typeof op.path === "string"
      ? []
      : [`bad operation ${JSON.stringify(op)}`],
  );
}

function denialProblems(feature: string, r: Response): string[] {
  const s = r.status;
  const message = s?.message ?? "";
  const problems: string[] = [];
  if (r.patch !== undefined) problems.push("a denial carries a patch");
  if (s?.status !== "Failure" || ![400, 403, 500, 503].includes(s.code))
    problems.push(`bad status ${JSON.stringify(s)}`);
  if (!message.startsWith(`${feature}: `)) problems.push(`the message does not name ${feature}`);
  // A value that slipped through unchecked reads as "undefined" or "[object Object]"; values the
  // user wrote are quoted in messages.
  if (/\[object \w+\]|(?<!")\b(undefined|NaN)\b(?!")/.test(message))
    problems.push(`the message shows an unchecked value: ${message}`);
  return problems;
}

const isContainer = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null;

// Both sides are compared member by member when both are objects (or both arrays), or when one
// side is missing and the other a non-empty container; anything else changed as a whole.
function descends(before: unknown, after: unknown): boolean {
  if (Array.isArray(before) && Array.isArray(after)) return true;
  if (isContainer(before) && isContainer(after))
    return !Array.isArray(before) && !Array.isArray(after);
  const filled = (v: unknown): boolean => isContainer(v) && Object.keys(v).length > 0;
  return (before === undefined && filled(after)) || (after === undefined && filled(before));
}

/** JSON pointers of every leaf where `after` differs from `before`. */
export function changedPaths(before: unknown, after: unknown, at = ""): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (!descends(before, after)) return [at];
  const a = (before ?? {}) as Record<string, unknown>;
  const b = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.flatMap((k) =>
    changedPaths(
      Object.hasOwn(a, k) ? a[k] : undefined,
      Object.hasOwn(b, k) ? b[k] : undefined,
      `${at}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`,
    ),
  );
}

/** Whether `path` lies under one of `allowed` (`*` matches any one segment). */
export function underAny(path: string, allowed: readonly string[]): boolean {
  const tokens = parsePointer(path);
  return allowed.some((pattern) => {
    const want = parsePointer(pattern);
    return want.length <= tokens.length && want.every((t, i) => t === "*" || t === tokens[i]);
  });
}

/** What a feature may change: its declared paths and the core's own annotations. */
export function ownPaths(feature: Feature, line: AdmissionLine): string[] {
  const annotation = (key: string): string =>
    `/metadata/annotations/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
  return [
    ...line.paths,
    annotation(appliedAnnotation(feature.name)),
    annotation(errorAnnotation(feature.name)),
    annotation(feature.triggerAnnotation),
  ];
}
