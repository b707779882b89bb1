import type { Feature } from "../shared/admission/feature.ts";
import type { ClusterSnapshot } from "../shared/preview/snapshot.ts";
import { clusterSettingsFromEnv } from "./nested-virt/cluster.ts";
import { nestedVirt } from "./nested-virt/feature.ts";
import { snapshotSource } from "./nested-virt/offline.ts";

/**
 * The mutating functions in the order of their webhook entries in knative/, each built on a
 * cluster snapshot instead of the live API. The preview runs them in this order.
 */
export const offlineMutators: readonly ((snapshot: ClusterSnapshot) => Feature)[] = [
  (snapshot) => nestedVirt(snapshotSource(snapshot, clusterSettingsFromEnv())) as Feature,
];
