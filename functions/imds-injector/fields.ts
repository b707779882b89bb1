/**
 * The Pod fields imds-injector reads and writes (their types are checked first): the containers it
 * looks through and appends to, the volumes it adds to and the pod-level resources it grows. The
 * annotations are checked as a map of strings before any feature runs.
 */
export const FIELDS = [
  "spec.initContainers",
  "spec.containers",
  "spec.volumes",
  "spec.resources",
] as const;
