import type { AdmissionRequest } from "../admission/types.ts";
import type { KubeObject } from "../basics/kube-object.ts";
import { pluralOf } from "../kube/kinds.ts";

/** Who asks, as an AdmissionRequest's userInfo names them. */
export interface UserInfo {
  username: string;
  groups: string[];
}

/** Who the preview admits as by default: a cluster administrator, as `kubectl apply` usually runs. */
const ADMIN: UserInfo = {
  username: "system:admin",
  groups: ["system:masters", "system:authenticated"],
};

const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):[^:]+$/;

/**
 * The user the API server sees for `kubectl --as <user> --as-group <group>...`, after its
 * impersonation filter: a ServiceAccount given without groups gets its fixed ones, and every user
 * but system:anonymous is in system:authenticated.
 */
export function impersonated(username: string, groups: readonly string[] = []): UserInfo {
  const namespace = SERVICE_ACCOUNT.exec(username)?.[1];
  const given =
    groups.length === 0 && namespace
      ? ["system:serviceaccounts", `system:serviceaccounts:${namespace}`]
      : [...groups];
  const all = username === "system:anonymous" ? "system:unauthenticated" : "system:authenticated";
  const known = given.includes(all) || given.includes("system:unauthenticated");
  return { username, groups: known ? given : [...given, all] };
}

function groupVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return {
    group: slash < 0 ? "" : apiVersion.slice(0, slash),
    version: apiVersion.slice(slash + 1),
  };
}

/**
 * The AdmissionRequest the API server builds for creating (or, with `oldObject`, updating)
 * `object`: the resource is the kind's plural, the namespace the object's or `default` (kubectl's
 * usual context namespace); every kind the functions admit is namespaced. A dry run unless told,
 * by a cluster administrator unless `user` says who.
 */
export function admissionRequest(
  object: KubeObject,
  options: { uid: string; oldObject?: KubeObject; dryRun?: boolean; user?: UserInfo },
): AdmissionRequest {
  const apiVersion = object.apiVersion ?? "v1";
  const { group, version } = groupVersion(apiVersion);
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
    userInfo: options.user ?? ADMIN,
    object,
    oldObject: options.oldObject ?? null,
    dryRun: options.dryRun ?? true,
  };
}
