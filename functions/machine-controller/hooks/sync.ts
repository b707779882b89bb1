import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import type { Machine, MachineStatus } from "../api.ts";
import { asObserved } from "../children/child.ts";
import type { HookRequest, Observed } from "./observed.ts";
import { compareText, readObserved } from "./observed.ts";
import type { Problem } from "../spec/problems.ts";
import { isProblem } from "../spec/problems.ts";
import { desiredDisks } from "../children/disks.ts";
import { missingReference } from "../spec/references.ts";
import type { ResolvedMachine } from "../spec/resolve.ts";
import { resolveMachine } from "../spec/resolve.ts";
import { machineStatus } from "../status/status.ts";
import { desiredVm } from "../children/virtual-machine.ts";

/** Metacontroller's sync response: the desired children (all others are deleted) and the status. */
export interface SyncResponse {
  children: KubeObject[];
  status: MachineStatus;
}

/**
 * The whole reconcile, pure: the same request and clock give the same bytes. An invalid Machine
 * or a missing reference is reported as Failed and every child is returned as observed, so that
 * nothing is deleted or changed until the Machine is fixed.
 */
export function sync(request: HookRequest, now: Date): SyncResponse {
  const observed = readObserved(request);
  const { machine, children, conflicts } = reconcile(request.parent, observed);
  const status = machineStatus({ parent: request.parent, observed, machine, conflicts, now });
  return { children, status };
}

interface Outcome {
  machine: ResolvedMachine | Problem;
  children: KubeObject[];
  conflicts: Problem[];
}

function reconcile(parent: Machine, observed: Observed): Outcome {
  const resolved = resolveMachine(parent);
  const checked = isProblem(resolved)
    ? resolved
    : (missingReference(resolved, observed) ?? resolved);
  if (isProblem(checked)) return refused(checked, observed);
  const built = build(checked, observed);
  return isProblem(built) ? refused(built, observed) : { machine: checked, ...built };
}

function refused(machine: Problem, observed: Observed): Outcome {
  return { machine, children: keepAll(observed), conflicts: [] };
}

function build(
  machine: ResolvedMachine,
  observed: Observed,
): { children: KubeObject[]; conflicts: Problem[] } | Problem {
  const disks = desiredDisks(machine, observed);
  const built = desiredVm(machine, observed.networkConfigurations, disks.dataVolumes);
  if (isProblem(built)) return built;
  const names = new Set(disks.pvcs.map((pvc) => pvc.metadata?.name));
  // A disk taken out of the spec keeps its PVC (and data) until someone deletes it by hand.
  const kept = [...observed.pvcs.values()]
    .filter((pvc) => !names.has(pvc.metadata?.name))
    .map(asObserved);
  return {
    children: [built.vm, ...sortByName([...disks.pvcs, ...kept]), ...sortByName(built.attachments)],
    conflicts: disks.conflicts,
  };
}

/** Every observed child, unchanged: the VirtualMachine first, then the PVCs and the NADs by name. */
export function keepAll(observed: Observed): KubeObject[] {
  return [
    ...(observed.vm ? [asObserved(observed.vm)] : []),
    ...sortByName([...observed.pvcs.values()].map(asObserved)),
    ...sortByName([...observed.attachments.values()].map(asObserved)),
  ];
}

function sortByName(objects: KubeObject[]): KubeObject[] {
  return objects.sort((a, b) => compareText(a.metadata?.name ?? "", b.metadata?.name ?? ""));
}
