import type { AdmissionRequest } from "../admission/types.ts";
import type { KubeObject } from "../basics/kube-object.ts";
import { pluralOf } from "../kube/kinds.ts";

/** Who the preview admits as: a cluster administrator, as `kubectl apply` usually runs. */
const USER = { username: "system:admin", groups: ["system:masters", "system:authenticated"] };

/**
 * The AdmissionRequest the API server builds for creating (or, with `oldObject`, updating)
 * `object`: the resource is the kind's plural, the namespace the object's or `default` (kubectl's
 * usual context namespace); every kind the functions admit is namespaced. A dry run unless told.
 */
export function admissionRequest(
  object: KubeObject,
  options: { uid: string; oldObject?: KubeObject; dryRun?: boolean },
): AdmissionRequest {
  const apiVersion = object.apiVersion ?? "v1";
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const kind = object.kind ?? "";
  const resource = pluralOf({ apiVersion, kind });
  const { name = "", namespace = "default" } = object.metadata ?? {};
  return {
    uid: options.uid,
    kind: { group, version, kind },
    resource: { group, version, resource },
    requestKind: { group, version, kind },
    requestResource: { group, version, resource },
    name,
    namespace,
    operation: options.oldObject ? "UPDATE" : "CREATE",
    userInfo: USER,
    object,
    oldObject: options.oldObject ?? null,
    dryRun: options.dryRun ?? true,
  };
}
