import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import type { MachineStatus } from "../api.ts";
import { asObserved, at } from "../children/child.ts";
import type { HookRequest, Observed } from "./observed.ts";
import { readObserved } from "./observed.ts";
import { resolveMachine } from "../spec/resolve.ts";
import { machineStatus } from "../status/status.ts";
import type { Verdict } from "../status/vm-condition.ts";

export interface FinalizeResponse {
  children: KubeObject[];
  status: MachineStatus;
  finalized: boolean;
}

/** One teardown step: what stays, and what is being waited for. */
interface Step {
  keep: KubeObject[];
  message: string;
}

/**
 * Ordered teardown, one step per call, each judged from what is observed: the VirtualMachine is
 * deleted first; its disks stay until its instance is gone (a running guest keeps writing to
 * them); then the PVCs are deleted; finalized once nothing is left.
 */
export function teardownStep({ vm, vmi, pvcs }: Observed): Step | undefined {
  const disks = [...pvcs.values()].map(asObserved);
  if (vm) return { keep: disks, message: `deleting VirtualMachine ${vm.metadata?.name ?? ""}` };
  if (vmi)
    return {
      keep: disks,
      message: `waiting for VirtualMachineInstance ${vmi.metadata?.name ?? ""} to stop`,
    };
  if (pvcs.size) return { keep: [], message: `deleting PVCs ${[...pvcs.keys()].join(", ")}` };
  return undefined;
}

export function finalize(request: HookRequest, now: Date): FinalizeResponse {
  const observed = readObserved(request);
  const step = teardownStep(observed);
  const ready: Verdict = {
    status: "False",
    reason: "Deleting",
    message: step?.message ?? "torn down: nothing is left",
  };
  const running = at(observed.vmi, "status", "phase") === "Running";
  const teardown = { ready, phase: running ? ("Running" as const) : ("Stopped" as const) };
  const status = machineStatus({
    parent: request.parent,
    observed,
    machine: resolveMachine(request.parent),
    conflicts: [],
    now,
    teardown,
  });
  return { children: step?.keep ?? [], status, finalized: step === undefined };
}
