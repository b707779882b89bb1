import { FeatureError } from "../../shared/basics/errors.ts";
import type { Absent } from "../../shared/kube/reader.ts";
import { ABSENT } from "../../shared/kube/reader.ts";
import type { KubeVirtCr } from "../../shared/kubevirt/kubevirt-cr.ts";
import { featureGateEnabled, permittedDeviceClass } from "../../shared/kubevirt/kubevirt-cr.ts";
import type { Target } from "./devices.ts";
import { FEATURE } from "./intent.ts";

/** KubeVirt refuses the hookSidecars annotation unless this gate is on (Alpha in v1.9). */
export const SIDECAR_GATE = "Sidecar";

/** What the checks need of the KubeVirt CR. */
export type KubeVirtFacts =
  | { state: "absent" }
  | {
      state: "present";
      /** `namespace/name`, as the messages name it. */
      ref: string;
      sidecarGate: boolean;
      /** Each target's device class, where the CR permits its deviceName. */
      classes: Record<string, "pci" | "mediated" | "usb">;
    };

export function kubeVirtFacts(cr: KubeVirtCr | Absent, targets: readonly Target[]): KubeVirtFacts {
  if (cr === ABSENT) return { state: "absent" };
  const classes: Record<string, "pci" | "mediated" | "usb"> = {};
  for (const target of targets) {
    const found = target.deviceName ? permittedDeviceClass(cr, target.deviceName) : undefined;
    if (found) classes[target.name] = found;
  }
  return {
    state: "present",
    ref: `${cr.metadata?.namespace ?? ""}/${cr.metadata?.name ?? ""}`,
    sidecarGate: featureGateEnabled(cr, SIDECAR_GATE),
    classes,
  };
}

/** Warnings; a gate that is off, or a target that cannot carry a ROM, is a FeatureError. */
export function checkKubeVirt(facts: KubeVirtFacts, targets: readonly Target[]): string[] {
  if (facts.state === "absent") {
    return [
      `${FEATURE}: no KubeVirt CR could be found, so the ${SIDECAR_GATE} feature gate was not checked; KubeVirt refuses the VM if it is off`,
    ];
  }
  const [namespace, name] = facts.ref.split("/");
  if (!facts.sidecarGate) {
    throw new FeatureError(
      `the KubeVirt CR ${facts.ref} does not enable the ${SIDECAR_GATE} feature gate, which hook sidecars need`,
      {
        field: `KubeVirt ${facts.ref} spec.configuration.developerConfiguration.featureGates`,
        fix: `add "${SIDECAR_GATE}" to that list, keeping the gates already there (kubectl edit kubevirt ${name} -n ${namespace})`,
      },
    );
  }
  for (const target of targets) {
    const kind = facts.classes[target.name];
    if (kind === "mediated" || kind === "usb") {
      throw new FeatureError(
        `${target.kind} ${target.name} (${target.deviceName}) is a ${kind === "usb" ? "USB device" : "mediated device (vGPU)"}, which has no PCI option ROM to replace`,
        {
          field: `spec.template.spec.domain.devices.${target.kind === "gpu" ? "gpus" : "hostDevices"}`,
          fix: "give the ROM to a passed-through PCI device (vbios-target)",
        },
      );
    }
  }
  return [];
}
