import { PLACEMENT_FIELDS } from "../../shared/kubevirt/placement.ts";

/** The VirtualMachine fields pci-passthrough reads and writes (their types are checked first). */
export const FIELDS = [
  "spec.template.spec.domain.devices.hostDevices",
  "spec.template.spec.domain.resources.limits",
  "spec.template.spec.domain.resources.requests",
  ...PLACEMENT_FIELDS,
];
