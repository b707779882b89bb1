/**
 * The VirtualMachine fields vbios-injection reads and writes (their types are checked first),
 * the template's labels and annotations among them (typed as Kubernetes types an ObjectMeta).
 */
export const FIELDS = [
  "spec.template.metadata.labels",
  "spec.template.metadata.annotations",
  "spec.template.spec.domain.devices.gpus",
  "spec.template.spec.domain.devices.hostDevices",
  "spec.template.spec.domain.devices.disks[].name",
  "spec.template.spec.volumes",
] as const;
