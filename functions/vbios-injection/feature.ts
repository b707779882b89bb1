import type { Feature, MutationOutcome } from "../../shared/admission/feature.ts";
import { fieldExpectations, quantityFields } from "./fields-schema.generated.ts";
import { validate as validateFields } from "./fields-validator.generated.ts";
import { CONFIG_MAP, KUBEVIRT } from "../../shared/kube/kinds.ts";
import { readKubeVirt } from "../../shared/kubevirt/kubevirt-cr.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import { VIRTUAL_MACHINE_KIND } from "../../shared/kubevirt/types.ts";
import type { Facts } from "./decide.ts";
import { decide } from "./decide.ts";
import type { HookWriter } from "./hook-configmap.ts";
import { liveHookWriter, rememberedHooks } from "./hook-configmap.ts";
import { readerSettingsFromEnv } from "../../shared/kube/settings.ts";
import { FEATURE, SIDECAR_IMAGE, TARGET, TRIGGER } from "./intent.ts";
import { kubeVirtFacts } from "./kubevirt.ts";
import { injectRom, ROM_ANNOTATION } from "./mutation.ts";
import { romFacts } from "./rom.ts";
import type { VbiosSettings } from "./settings.ts";
import { vbiosSettingsFromEnv } from "./settings.ts";
import type { MaybePromise } from "../../shared/runtime/maybe-promise.ts";
import { allOf, andThen } from "../../shared/runtime/maybe-promise.ts";

export interface VbiosView {
  facts?: Facts;
}

export interface VbiosOptions {
  settings?: VbiosSettings;
  /** The hook ConfigMap's writer; the live one by default (connected on the first write). */
  writer?: HookWriter;
  /** How long a namespace's hook ConfigMap, once written or found current, is not checked again. */
  hookMemoryMs?: number;
}

export function vbiosInjection(options: VbiosOptions = {}): Feature<VirtualMachine, VbiosView> {
  const settings = options.settings ?? vbiosSettingsFromEnv();
  // As long as the reader serves a cached answer: a shorter memory would not read anything newer.
  const ensureHook = rememberedHooks(
    options.writer ?? liveHookWriter(),
    options.hookMemoryMs ?? readerSettingsFromEnv().ttlMs,
  );
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
    otherAnnotations: [TARGET, SIDECAR_IMAGE, ROM_ANNOTATION],
    reads: [CONFIG_MAP, KUBEVIRT],
    view(vm, request, cluster, signal): MaybePromise<VbiosView> {
      const first = decide(vm, request, settings, undefined);
      if (first.next !== "read") return {};
      const reads = allOf([
        cluster.get(CONFIG_MAP, request.namespace, first.intent.configMap, signal),
        readKubeVirt(cluster, signal),
      ]);
      return andThen(reads, ([configMap, kubevirt]) => {
        const facts: Facts = {
          rom: romFacts(configMap),
          kubevirt: kubeVirtFacts(kubevirt, first.targets),
        };
        return { facts };
      });
    },
    mutate(vm, request, view): MutationOutcome<VirtualMachine> {
      const decision = decide(vm, request, settings, view.facts);
      if (decision.next === "skip") return { skip: decision.reason };
      if (decision.next === "wait")
        return { skip: decision.reason, warnings: [`${FEATURE}: ${decision.reason}`] };
      if (decision.next === "read") return { skip: "the cluster was not read" };
      const { plan, warnings } = decision;
      return {
        object: injectRom(vm, plan),
        applied: plan.targets.map((t) => t.name).join(","),
        warnings,
        // On a real run `writes` says what became of the hook ConfigMap.
        auditAnnotations: request.dryRun ? { "hook-configmap": "not written (dry run)" } : {},
      };
    },
    // Only after a mutation: nothing is written for a VM that is skipped or refused.
    writes(_vm, request, cluster, signal): MaybePromise<Record<string, string>> {
      return andThen(ensureHook(cluster, request.namespace, signal), (hook) => ({
        "hook-configmap": hook,
      }));
    },
  };
}
