/** Annotation keys owned by this project; all live under one domain. */
export const ANNOTATION_DOMAIN = "vm-feature-manager.io";

// Every review asks for its feature's keys, several times over: each key is written once. Feature
// names are the code's own constants, so each map stays as small as the list of features.
function keysEnding(suffix: string): (feature: string) => string {
  const written = new Map<string, string>();
  return (feature) => {
    let key = written.get(feature);
    if (key === undefined) {
      key = `${ANNOTATION_DOMAIN}/${feature}${suffix}`;
      written.set(feature, key);
    }
    return key;
  };
}

/** `vm-feature-manager.io/<feature>`: the default trigger annotation. */
export const triggerAnnotation = keysEnding("");
/** `vm-feature-manager.io/<feature>-applied`: the tracking annotation. */
export const appliedAnnotation = keysEnding("-applied");
/** `vm-feature-manager.io/<feature>-error`: set under allow-and-log. */
export const errorAnnotation = keysEnding("-error");
