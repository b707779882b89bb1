import type { DiskState } from "./disk-states.ts";
import { diskStates } from "./disk-states.ts";
import type { Observed } from "../hooks/observed.ts";
import type { Problem } from "../spec/problems.ts";
import type { ResolvedMachine } from "../spec/resolve.ts";
import type { Verdict } from "./vm-condition.ts";

/** StorageReady: every disk's PVC Bound or DataVolume filled; a refused change shows first. */
export function storageVerdict(
  machine: ResolvedMachine,
  observed: Observed,
  conflicts: readonly Problem[],
): Verdict {
  const [conflict] = conflicts;
  if (conflict) return { status: "False", reason: conflict.reason, message: conflict.message };
  const states = diskStates(machine, observed);
  const first =
    states.find(({ state }) => state === "failed") ??
    states.find(({ state }) => state === "waiting");
  if (first) return { status: "False", reason: first.reason, message: first.message };
  return { status: "True", reason: "PVCBound", message: readyMessage(states) };
}

/** `PVC web-root bound`, `PVCs a, b bound; DataVolume web-c filled`. */
function readyMessage(states: DiskState[]): string {
  const names = (kind: string): string[] =>
    states
      .filter(({ what }) => what.startsWith(`${kind} `))
      .map(({ what }) => what.slice(kind.length + 1));
  const part = (kind: string, verb: string): string[] => {
    const list = names(kind);
    if (!list.length) return [];
    return [`${list.length === 1 ? kind : `${kind}s`} ${list.join(", ")} ${verb}`];
  };
  return [...part("PVC", "bound"), ...part("DataVolume", "filled")].join("; ");
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
