/** The VirtualMachine fields nested-virt reads and writes (their types are checked first). */
export const FIELDS = [
  "spec.template.spec.domain.cpu.features",
  "spec.template.spec.nodeSelector",
  "spec.template.spec.affinity.nodeAffinity",
] as const;
