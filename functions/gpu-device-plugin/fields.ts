/** The VirtualMachine fields gpu-device-plugin reads and writes (their types are checked first). */
export const FIELDS = [
  "spec.template.spec.domain.devices.gpus",
  "spec.template.spec.domain.resources.limits",
  "spec.template.spec.domain.resources.requests",
] as const;
