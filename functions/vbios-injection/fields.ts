/**
 * The VirtualMachine fields vbios-injection reads and writes (their types are checked first). The
 * template's annotations are not here: KubeVirt's schema leaves the template's metadata open.
 */
export const FIELDS = [
  "spec.template.spec.domain.devices.gpus",
  "spec.template.spec.domain.devices.hostDevices",
  "spec.template.spec.volumes",
] as const;
