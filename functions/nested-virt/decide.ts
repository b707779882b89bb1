import type { MutationRequest } from "../../shared/admission/feature.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import { readIntent } from "./intent.ts";
import type { Flag } from "./mutation.ts";
import { requiredFlag } from "./mutation.ts";
import type { Rules } from "./rules.ts";
import { matchingRule } from "./rules.ts";

/**
 * What the VM needs, decided from the VM and what has been read so far. The same decision tells
 * the feature's view which cluster data to read and tells the mutation what to do, so the two
 * can never disagree.
 */
export type Decision =
  | { next: "read-rules" }
  | { next: "skip"; reason: string }
  | { next: "require"; flag: Flag; reason: string }
  | { next: "resolve-vendor"; reason: string };

export function decide(
  vm: Readonly<VirtualMachine>,
  request: MutationRequest,
  rules: Rules | undefined,
): Decision {
  const intent = readIntent(vm);
  if (intent.ask === "off")
    return { next: "skip", reason: "the annotation switches nested virtualization off" };
  const reason = intent.ask === "on" ? "annotation" : ruleReason(request, rules);
  if (reason === undefined) return { next: "read-rules" };
  if (reason === "") return { next: "skip", reason: "no annotation and no rule matches the VM" };
  if (intent.ask === "on" && intent.flag) return { next: "require", flag: intent.flag, reason };
  const existing = requiredFlag(vm);
  if (existing) return { next: "require", flag: existing, reason };
  return { next: "resolve-vendor", reason };
}

// undefined: the rules are needed but not read yet; "": no rule matches.
function ruleReason(request: MutationRequest, rules: Rules | undefined): string | undefined {
  if (!rules) return undefined;
  // Objects from generateName have no name yet; their prefix is the best name there is.
  const name = request.name || request.generateName;
  const rule = matchingRule(rules, request.namespace, name);
  return rule ? `rule ${request.namespace}: ${rule.source}` : "";
}
