import { PLACEMENT_FIELDS } from "../../shared/kubevirt/placement.ts";

/** The VirtualMachine fields nested-virt reads and writes (their types are checked first). */
export const FIELDS = ["spec.template.spec.domain.cpu.features", ...PLACEMENT_FIELDS];
