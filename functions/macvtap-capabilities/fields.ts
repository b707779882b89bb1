import { containerFields } from "../../shared/kube/pod.ts";

/**
 * The Pod fields macvtap-capabilities reads and writes (their types are checked first): each
 * container's name, the names in its resources, and the securityContext it extends. The
 * annotations are checked as a map of strings before any feature runs.
 */
export const FIELDS = containerFields([
  "name",
  "resources.requests",
  "resources.limits",
  "securityContext.allowPrivilegeEscalation",
  "securityContext.capabilities.add",
]);
