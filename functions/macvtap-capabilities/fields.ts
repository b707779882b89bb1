/**
 * The Pod fields macvtap-capabilities reads and writes (their types are checked first): each
 * container's name, resources and securityContext. The annotations are checked as a map of strings
 * before any feature runs.
 */
export const FIELDS = ["spec.initContainers", "spec.containers"] as const;
