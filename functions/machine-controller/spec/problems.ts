import type { ConditionType } from "../api.ts";

/** Why a Machine cannot be reconciled: the condition it shows on, its reason and the message. */
export interface Problem {
  condition: Exclude<ConditionType, "Ready">;
  reason: string;
  message: string;
}

/** The message format of every function: what is wrong, where, and the fix. */
export function problem(
  condition: Problem["condition"],
  reason: string,
  what: string,
  where: { field: string; fix: string },
): Problem {
  return { condition, reason, message: `${what} (field ${where.field}). Fix: ${where.fix}` };
}

/** Which condition a spec field belongs to. */
export function conditionOf(field: string): Problem["condition"] {
  if (field.startsWith("spec.disks")) return "StorageReady";
  if (field.startsWith("spec.networks")) return "NetworkReady";
  return "VirtualMachineReady";
}

export function isProblem(value: unknown): value is Problem {
  return typeof value === "object" && value !== null && "reason" in value && "condition" in value;
}
