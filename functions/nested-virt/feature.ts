import type { Feature, MutationOutcome } from "../../shared/admission/feature.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import { VIRTUAL_MACHINE_KIND } from "../../shared/kubevirt/types.ts";
import { VENDOR_FLAG } from "../../shared/node-labels.ts";
import { decide } from "./decide.ts";
import { FEATURE, TRIGGER } from "./intent.ts";
import { requireFlag } from "./mutation.ts";
import type { NodeInfo } from "./placement.ts";
import type { Rules } from "./rules.ts";
import { problemsFor } from "./rules.ts";
import { resolveVendor } from "./vendor.ts";

/** Where the feature reads the cluster: the live API in the function, a snapshot in the preview. */
export interface NestedVirtSource {
  rules(signal: AbortSignal): Promise<Rules>;
  nodes(signal: AbortSignal): Promise<readonly NodeInfo[]>;
}

export interface NestedVirtView {
  rules?: Rules;
  nodes?: readonly NodeInfo[];
}

export function nestedVirt(source: NestedVirtSource): Feature<VirtualMachine, NestedVirtView> {
  return {
    name: FEATURE,
    kinds: [VIRTUAL_MACHINE_KIND],
    operations: ["CREATE", "UPDATE"],
    triggerAnnotation: TRIGGER,
    async view(vm, request, signal) {
      const view: NestedVirtView = {};
      if (decide(vm, request, undefined).next === "read-rules")
        view.rules = await source.rules(signal);
      if (decide(vm, request, view.rules).next === "resolve-vendor")
        view.nodes = await source.nodes(signal);
      return view;
    },
    mutate(vm, request, view): MutationOutcome<VirtualMachine> {
      const warnings = view.rules ? problemsFor(view.rules, request.namespace) : [];
      const decision = decide(vm, request, view.rules);
      if (decision.next === "skip" || decision.next === "read-rules") {
        return {
          skip: decision.next === "skip" ? decision.reason : "rules were not read",
          warnings,
        };
      }
      const flag =
        decision.next === "require"
          ? decision.flag
          : VENDOR_FLAG[resolveVendor(vm.spec?.template?.spec, view.nodes ?? [])];
      return {
        object: requireFlag(vm, flag),
        applied: flag,
        warnings,
        auditAnnotations: { reason: decision.reason },
      };
    },
  };
}
