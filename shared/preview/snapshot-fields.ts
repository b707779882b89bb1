/** What a matchCondition's authorizer reads of a Role or ClusterRole (shared/webhooks/rbac.ts). */
const RULE_FIELDS = [
  "rules[].apiGroups",
  "rules[].resources",
  "rules[].resourceNames",
  "rules[].nonResourceURLs",
  "rules[].verbs",
] as const;

/** What it reads of a RoleBinding or ClusterRoleBinding. */
const BINDING_FIELDS = [
  "roleRef.kind",
  "roleRef.name",
  "subjects[].kind",
  "subjects[].name",
  "subjects[].namespace",
] as const;

/**
 * The cluster objects the preview reads from a `--cluster` snapshot, by kind, and the fields the
 * features read of each (their types are checked when the snapshot is read, as the API server
 * would have checked them before serving the object). Every object's metadata is checked too.
 */
export const SNAPSHOT_FIELDS = {
  Namespace: ["metadata.labels"],
  Node: ["metadata.labels", "metadata.annotations"],
  ConfigMap: ["data", "binaryData"],
  KubeVirt: [
    "metadata.creationTimestamp",
    "spec.configuration.permittedHostDevices",
    "spec.configuration.developerConfiguration.featureGates",
  ],
  PCIDevice: [
    "status.address",
    "status.nodeName",
    "status.resourceName",
    "status.kernelDriverInUse",
  ],
  VirtualMachineInstance: [
    "spec.networks[].name",
    "spec.networks[].multus",
    "spec.domain.devices.interfaces[].name",
    "spec.domain.devices.interfaces[].binding",
  ],
  Role: RULE_FIELDS,
  ClusterRole: RULE_FIELDS,
  RoleBinding: BINDING_FIELDS,
  ClusterRoleBinding: BINDING_FIELDS,
} as const;

/** A kind the preview reads from its snapshot. */
export type SnapshotKind = keyof typeof SNAPSHOT_FIELDS;

/** Each kind's fields under the kind's name (`Node.metadata.labels`): one schema holds them all. */
export const SNAPSHOT_PATHS: readonly string[] = Object.entries(SNAPSHOT_FIELDS).flatMap(
  ([kind, fields]) => fields.map((field) => `${kind}.${field}`),
);
