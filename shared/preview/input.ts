import { appliedAnnotation, errorAnnotation, ANNOTATION_DOMAIN } from "../admission/annotations.ts";
import type { Feature } from "../admission/feature.ts";
import type { KubeObject } from "../basics/kube-object.ts";
import { didYouMean } from "../did-you-mean.ts";
import { FeatureError } from "../basics/errors.ts";
import { checkMetadata } from "../admission/metadata.ts";
import { admissionRequest } from "../webhooks/request.ts";
import type { ChainLink } from "./chain.ts";

// What the preview checks of its input before it runs it: input it cannot use is an error that
// says what was expected, a likely slip a warning; never a quiet `patches: {}`.

/**
 * Why the object cannot be previewed at all: a kind, apiVersion, name or namespace that is no
 * string (the request the preview builds names them), or labels and annotations the functions
 * would refuse (the core's own check); undefined when it can.
 */
export function unusableObject(object: KubeObject): string | undefined {
  const metadata = object.metadata as Record<string, unknown> | undefined;
  const fields = [
    ["apiVersion", object.apiVersion],
    ["kind", object.kind],
    ["metadata.name", typeof metadata === "object" ? metadata?.["name"] : undefined],
    ["metadata.namespace", typeof metadata === "object" ? metadata?.["namespace"] : undefined],
  ] as const;
  const wrong = fields.find(([, value]) => value !== undefined && typeof value !== "string");
  if (wrong)
    return `${wrong[0]} is ${JSON.stringify(wrong[1])}, not a string; write it as the API does (apiVersion: kubevirt.io/v1, kind: VirtualMachine, metadata.namespace: default)`;
  try {
    checkMetadata(object);
    return undefined;
  } catch (error) {
    if (!(error instanceof FeatureError)) throw error;
    return `${error.message}; ${error.fix}`;
  }
}

/**
 * Why no mutating function handles the object's kind (its group and kind), with the kinds they
 * do handle and a did-you-mean for a near miss; undefined when one does. Which entries are called
 * for it, at its version, is the dispatch's to say. `others` are kinds handled elsewhere (a
 * Machine, by machine-controller's hooks).
 */
export function unhandledKind(
  object: KubeObject,
  features: readonly Feature[],
  others: readonly string[],
): string | undefined {
  const { kind: ref } = admissionRequest(object, { uid: "preview" });
  const kinds = features.flatMap((feature) => feature.kinds);
  if (kinds.some((k) => k.group === ref.group && k.kind === ref.kind)) return undefined;
  const handled = [...new Set(kinds.map((k) => k.kind)), ...others];
  const kind = object.kind ?? "";
  return (
    `${kind ? `a ${kind} (${object.apiVersion ?? "no apiVersion"})` : "an object without a kind"} ` +
    `is nothing the functions handle${didYouMean(kind, handled)} (they handle ${handled.join(", ")})`
  );
}

/** Every key in the project's domain that some feature reads or writes. */
function knownKeys(chain: readonly ChainLink[]): string[] {
  return chain.flatMap(({ feature }) => [
    feature.triggerAnnotation,
    appliedAnnotation(feature.name),
    errorAnnotation(feature.name),
    ...(feature.otherAnnotations ?? []),
  ]);
}

/**
 * A warning for each `vm-feature-manager.io/` annotation key on the object (or its VM template)
 * that no feature knows, with the trigger key it most likely meant.
 */
export function unknownAnnotations(object: KubeObject, chain: readonly ChainLink[]): string[] {
  const known = knownKeys(chain);
  const triggers = chain.map(({ feature }) => feature.triggerAnnotation);
  const template = (object["spec"] as { template?: KubeObject } | undefined)?.template;
  const keys = [object, template].flatMap((o) => Object.keys(o?.metadata?.annotations ?? {}));
  return [...new Set(keys)]
    .filter((key) => key.startsWith(`${ANNOTATION_DOMAIN}/`) && !known.includes(key))
    .map(
      (key) => `annotation ${key} is no feature's, so nothing reads it${didYouMean(key, triggers)}`,
    );
}
