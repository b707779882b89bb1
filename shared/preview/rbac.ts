import type { ClusterReader } from "../kube/reader.ts";
import { ABSENT } from "../kube/reader.ts";
import type { Authorize } from "../webhooks/rbac.ts";
import { RBAC_KINDS, rbacAuthorizer } from "../webhooks/rbac.ts";

/**
 * RBAC over the snapshot's Roles, ClusterRoles and their bindings, for matchConditions that ask
 * the authorizer; undefined when it holds none, so that such conditions are assumed to hold.
 */
export async function snapshotAuthorizer(cluster: ClusterReader): Promise<Authorize | undefined> {
  const lists = await Promise.all(
    RBAC_KINDS.map((kind) =>
      cluster.list(
        { apiVersion: "rbac.authorization.k8s.io/v1", kind },
        {},
        AbortSignal.timeout(3000),
      ),
    ),
  );
  const objects = lists.flatMap((list) => (list === ABSENT ? [] : list));
  return objects.length > 0 ? rbacAuthorizer(objects) : undefined;
}
