import type { Feature, MutationOutcome } from "../../shared/admission/feature.ts";
import { fieldExpectations, quantityFields } from "./fields-schema.generated.ts";
import { validate as validateFields } from "./fields-validator.generated.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import { KUBEVIRT, NODE, PCI_DEVICE } from "../../shared/kube/kinds.ts";
import type { Absent } from "../../shared/kube/reader.ts";
import { ABSENT } from "../../shared/kube/reader.ts";
import type { KubeVirtCr } from "../../shared/kubevirt/kubevirt-cr.ts";
import { readKubeVirt } from "../../shared/kubevirt/kubevirt-cr.ts";
import { nodeInfos } from "../../shared/kubevirt/placement.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import { VIRTUAL_MACHINE_KIND } from "../../shared/kubevirt/types.ts";
import type { MaybePromise } from "../../shared/runtime/maybe-promise.ts";
import { allOf, andThen } from "../../shared/runtime/maybe-promise.ts";
import type { Entry } from "./intent.ts";
import { FEATURE, readIntent, TRIGGER } from "./intent.ts";
import { attachHostDevices } from "./mutation.ts";
import { planDevices } from "./resolve.ts";
import type { PciPassthroughSettings } from "./settings.ts";
import { pciPassthroughSettingsFromEnv } from "./settings.ts";
import type { Candidates } from "./sources.ts";
import { fromInventories, fromPciDevices } from "./sources.ts";

/** What the cluster holds, as read: nothing is decided here. */
export interface PciPassthroughView {
  kubevirt?: KubeVirtCr | Absent;
  /** `absent` when Harvester's PCIDevice CRD is not served. */
  pciDevices?: KubeObject[] | Absent;
  nodes?: KubeObject[];
}

export function pciPassthrough(
  options: { settings?: PciPassthroughSettings } = {},
): Feature<VirtualMachine, PciPassthroughView> {
  const settings = options.settings ?? pciPassthroughSettingsFromEnv();
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
    reads: [KUBEVIRT, PCI_DEVICE, NODE],
    // Not async, and the reads made together: every review with an address reads all three.
    view(vm, _request, cluster, signal): MaybePromise<PciPassthroughView> {
      const intent = readIntent(vm, settings.maxDevices);
      if (intent.ask === "absent") return {};
      if (addressesOf(intent.entries).size === 0)
        return andThen(readKubeVirt(cluster, signal), (kubevirt) => ({ kubevirt }));
      const reads = allOf([
        readKubeVirt(cluster, signal),
        cluster.list(PCI_DEVICE, {}, signal),
        cluster.list(NODE, {}, signal),
      ]);
      return andThen(reads, ([kubevirt, pciDevices, nodes]) => ({
        kubevirt,
        pciDevices,
        nodes: nodes === ABSENT ? [] : nodes,
      }));
    },
    mutate(vm, _request, view): MutationOutcome<VirtualMachine> {
      const intent = readIntent(vm, settings.maxDevices);
      if (intent.ask === "absent") return { skip: "the VM does not ask for PCI devices" };
      const kubevirt = view.kubevirt ?? ABSENT;
      const found = candidates(intent.entries, view, kubevirt);
      const nodes = nodeInfos(view.nodes ?? []);
      const plan = planDevices(intent.entries, found, nodes, vm.spec?.template?.spec);
      const { object, applied } = attachHostDevices(vm, intent.entries, plan, kubevirt);
      return { object, applied, warnings: found.warnings };
    },
  };
}

function addressesOf(entries: readonly Entry[]): Set<string> {
  return new Set(entries.flatMap((e) => (e.kind === "address" ? [e.address] : [])));
}

// Harvester's PCIDevices when its CRD is served, else the node inventories and the KubeVirt CR.
function candidates(
  entries: readonly Entry[],
  view: PciPassthroughView,
  kubevirt: KubeVirtCr | Absent,
): Candidates {
  const addresses = addressesOf(entries);
  if (view.pciDevices !== undefined && view.pciDevices !== ABSENT)
    return fromPciDevices(view.pciDevices, addresses);
  return fromInventories(view.nodes ?? [], kubevirt, addresses);
}
