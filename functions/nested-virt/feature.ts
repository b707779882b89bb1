import type { Feature, MutationOutcome } from "../../shared/admission/feature.ts";
import { fieldExpectations, quantityFields } from "./fields-schema.generated.ts";
import { validate as validateFields } from "./fields-validator.generated.ts";
import { CONFIG_MAP, NODE } from "../../shared/kube/kinds.ts";
import type { Logger } from "../../shared/runtime/log.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import { VIRTUAL_MACHINE_KIND } from "../../shared/kubevirt/types.ts";
import { VENDOR_FLAG } from "../../shared/node-labels.ts";
import { decide } from "./decide.ts";
import { FEATURE, TRIGGER } from "./intent.ts";
import { requireFlag } from "./mutation.ts";
import type { NodeInfo } from "../../shared/kubevirt/placement.ts";
import { nodeInfos } from "../../shared/kubevirt/placement.ts";
import type { Rules } from "./rules.ts";
import { problemsFor } from "./rules.ts";
import { rulesParser } from "./rules-source.ts";
import type { NestedVirtSettings } from "./settings.ts";
import { nestedVirtSettingsFromEnv } from "./settings.ts";
import { resolveVendor } from "./vendor.ts";
import type { MaybePromise } from "../../shared/runtime/maybe-promise.ts";
import { andThen } from "../../shared/runtime/maybe-promise.ts";

export interface NestedVirtView {
  rules?: Rules;
  nodes?: readonly NodeInfo[];
}

export interface NestedVirtOptions {
  settings?: NestedVirtSettings;
  /** Where invalid rules are reported, once per ConfigMap version. */
  log?: Logger;
}

export function nestedVirt(
  options: NestedVirtOptions = {},
): Feature<VirtualMachine, NestedVirtView> {
  const ref = (options.settings ?? nestedVirtSettingsFromEnv()).rulesConfigMap;
  const rulesFrom = rulesParser(`ConfigMap ${ref.namespace}/${ref.name}`, options.log ?? silent);
  return {
    name: FEATURE,
    kinds: [VIRTUAL_MACHINE_KIND],
    operations: ["CREATE", "UPDATE"],
    triggerAnnotation: TRIGGER,
    fields: {
      validate: validateFields,
      expectations: fieldExpectations,
      quantities: quantityFields,
    },
    reads: [NODE, CONFIG_MAP],
    view(vm, request, cluster, signal): MaybePromise<NestedVirtView> {
      // The nodes are read only when the rules (if any were read) leave the vendor to find.
      const withNodes = (view: NestedVirtView): MaybePromise<NestedVirtView> =>
        decide(vm, request, view.rules).next === "resolve-vendor"
          ? andThen(cluster.list(NODE, {}, signal), (nodes) => ({
              ...view,
              nodes: nodeInfos(nodes),
            }))
          : view;
      if (decide(vm, request, undefined).next !== "read-rules") return withNodes({});
      return andThen(cluster.get(CONFIG_MAP, ref.namespace, ref.name, signal), (configMap) =>
        withNodes({ rules: rulesFrom(configMap) }),
      );
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

const silent: Logger = () => undefined;
