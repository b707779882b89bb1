import type { MutationRequest } from "../../shared/admission/feature.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import type { Target } from "./devices.ts";
import { resolveTargets } from "./devices.ts";
import type { Intent } from "./intent.ts";
import { readIntent } from "./intent.ts";
import type { KubeVirtFacts } from "./kubevirt.ts";
import { checkKubeVirt } from "./kubevirt.ts";
import type { Plan } from "./mutation.ts";
import type { RomFacts } from "./rom.ts";
import { checkRom } from "./rom.ts";
import type { VbiosSettings } from "./settings.ts";

/** What the view read of the cluster: the ROM ConfigMap and the KubeVirt CR, summarised. */
export interface Facts {
  rom: RomFacts;
  kubevirt: KubeVirtFacts;
}

/**
 * What to do with the VM. The view and the mutation both call this, so what the view reads follows
 * exactly the decision the mutation applies (and the hook ConfigMap is written only after it).
 */
export type Decision =
  | { next: "skip"; reason: string }
  | { next: "wait"; reason: string }
  | { next: "read"; intent: Intent; targets: Target[] }
  | { next: "inject"; plan: Plan; warnings: string[] };

export function decide(
  vm: Readonly<VirtualMachine>,
  request: MutationRequest,
  settings: VbiosSettings,
  facts: Facts | undefined,
): Decision {
  const intent = readIntent(vm, request.namespace, settings);
  if (!intent) return { next: "skip", reason: "the VM does not ask for a vBIOS" };
  const resolution = resolveTargets(vm, intent);
  if ("wait" in resolution) return { next: "wait", reason: resolution.wait };
  const { targets } = resolution;
  if (!facts) return { next: "read", intent, targets };
  checkRom(facts.rom, request.namespace, intent.configMap);
  const warnings = checkKubeVirt(facts.kubevirt, targets);
  const plan: Plan = { configMap: intent.configMap, targets };
  if (intent.image) plan.image = intent.image;
  return { next: "inject", plan, warnings };
}
