/** Annotation keys owned by this project; all live under one domain. */
export const ANNOTATION_DOMAIN = "vm-feature-manager.io";

// Every review asks for its feature's keys, several times over: each key is written once. Feature
// names are the code's own constants, so the maps stay as small as the list of features.
const written: Record<"trigger" | "applied" | "error", Map<string, string>> = {
  trigger: new Map(),
  applied: new Map(),
  error: new Map(),
};

function keyOf(kind: keyof typeof written, feature: string, suffix: string): string {
  const known = written[kind].get(feature);
  if (known !== undefined) return known;
  const key = `${ANNOTATION_DOMAIN}/${feature}${suffix}`;
  written[kind].set(feature, key);
  return key;
}

export function triggerAnnotation(feature: string): string {
  return keyOf("trigger", feature, "");
}

export function appliedAnnotation(feature: string): string {
  return keyOf("applied", feature, "-applied");
}

export function errorAnnotation(feature: string): string {
  return keyOf("error", feature, "-error");
}
