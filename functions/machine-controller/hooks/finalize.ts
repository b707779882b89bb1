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
 * deleted first; its disks and NetworkAttachmentDefinitions stay until its instance is gone (a
 * running guest keeps writing to the disks and is plugged into the networks); then they are
 * deleted; finalized once nothing is left.
 */
export function teardownStep({ vm, vmi, pvcs, attachments }: Observed): Step | undefined {
  const rest = [...pvcs.values(), ...attachments.values()].map(asObserved);
  if (vm) return { keep: rest, message: `deleting VirtualMachine ${vm.metadata?.name ?? ""}` };
  if (vmi)
    return {
      keep: rest,
      message: `waiting for VirtualMachineInstance ${vmi.metadata?.name ?? ""} to stop`,
    };
  const deleting = [
    ...(pvcs.size ? [`PVCs ${[...pvcs.keys()].join(", ")}`] : []),
    ...(attachments.size
      ? [`NetworkAttachmentDefinitions ${[...attachments.keys()].join(", ")}`]
      : []),
  ];
  if (deleting.length) return { keep: [], message: `deleting ${deleting.join(" and ")}` };
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
