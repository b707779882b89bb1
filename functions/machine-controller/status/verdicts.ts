import { at } from "../children/child.ts";
import type { Observed } from "../hooks/observed.ts";
import type { Problem } from "../spec/problems.ts";
import { pvcName } from "../children/pvcs.ts";
import type { ResolvedMachine } from "../spec/resolve.ts";
import type { Verdict } from "./vm-condition.ts";

/** StorageReady: every disk's PVC observed and Bound; a refused change shows first. */
export function storageVerdict(
  machine: ResolvedMachine,
  observed: Observed,
  conflicts: readonly Problem[],
): Verdict {
  const [conflict] = conflicts;
  if (conflict) return { status: "False", reason: conflict.reason, message: conflict.message };
  const names = machine.disks.map((disk) => pvcName(machine.name, disk.name));
  const phases = names.map(
    (name) => [name, at(observed.pvcs.get(name), "status", "phase")] as const,
  );
  const lost = phases.find(([, phase]) => phase === "Lost");
  if (lost)
    return { status: "False", reason: "PVCLost", message: `PVC ${lost[0]} lost its volume` };
  const waiting = phases.find(([, phase]) => phase !== "Bound");
  if (waiting) {
    const [name, phase] = waiting;
    const message =
      phase === undefined ? `PVC ${name} is not created yet` : `PVC ${name} is ${String(phase)}`;
    return { status: "False", reason: "PVCPending", message };
  }
  return {
    status: "True",
    reason: "PVCBound",
    message: `${names.length === 1 ? "PVC" : "PVCs"} ${names.join(", ")} bound`,
  };
}

/** NetworkReady: every NetworkConfiguration the Machine names exists (else the spec is refused). */
export function networkVerdict(machine: ResolvedMachine): Verdict {
  if (machine.networks.length === 0) {
    return {
      status: "True",
      reason: "DefaultPodNetwork",
      message: "no networks asked for: the VM gets KubeVirt's default pod network",
    };
  }
  const names = [...new Set(machine.networks.map((n) => n.networkName))];
  return {
    status: "True",
    reason: "NetworkConfigurationsFound",
    message: `NetworkConfigurations ${names.join(", ")} found`,
  };
}
