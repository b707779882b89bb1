import { containerFields } from "../../shared/kube/pod.ts";

/**
 * The Pod fields imds-injector reads and writes (their types are checked first): the containers'
 * names and resources it looks through (the lists it appends to on the way), the volumes' names,
 * and the pod-level resources it grows. The annotations are checked as a map of strings before
 * any feature runs.
 */
export const FIELDS = [
  ...containerFields(["name", "resources.requests", "resources.limits"]),
  "spec.volumes[].name",
  "spec.resources",
];
