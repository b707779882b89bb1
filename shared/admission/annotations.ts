/** Annotation keys owned by this project; all live under one domain. */
export const ANNOTATION_DOMAIN = "vm-feature-manager.io";

export function triggerAnnotation(feature: string): string {
  return `${ANNOTATION_DOMAIN}/${feature}`;
}

export function appliedAnnotation(feature: string): string {
  return `${ANNOTATION_DOMAIN}/${feature}-applied`;
}

export function errorAnnotation(feature: string): string {
  return `${ANNOTATION_DOMAIN}/${feature}-error`;
}
