import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import { at } from "../children/child.ts";
import type { Observed } from "../hooks/observed.ts";

/** A sub-condition before times are attached. */
export interface Verdict {
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
}

interface KubeCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

function conditionsOf(object: KubeObject | undefined): KubeCondition[] {
  const list = at(object, "status", "conditions");
  return Array.isArray(list) ? (list as KubeCondition[]) : [];
}

const no = (reason: string, message: string): Verdict => ({ status: "False", reason, message });

/** VirtualMachineReady from the VirtualMachine and its instance, as observed. */
export function vmVerdict(observed: Observed, running: boolean): Verdict {
  const { vm, vmi } = observed;
  const failure = conditionsOf(vm).find((c) => c.type === "Failure" && c.status === "True");
  if (failure)
    return no(
      "KubeVirtApiError",
      `KubeVirt reports: ${failure.message ?? failure.reason ?? "Failure"}`,
    );
  if (vmi) return instanceVerdict(vmi);
  if (!vm) return no("VMPending", "the VirtualMachine is not created yet");
  const name = vm.metadata?.name ?? "";
  if (at(vm, "status", "printableStatus") === "ErrorUnschedulable")
    return no("InsufficientResources", `VirtualMachine ${name} cannot be scheduled`);
  if (!running) return no("VMStopped", `VirtualMachine ${name} is stopped (spec.running: false)`);
  return no("VMCreated", `VirtualMachine ${name} is created; its instance has not started yet`);
}

/** Final or lost phases of an instance: reason and message, given its name and why. */
const SETTLED: Record<string, (name: string, because: string) => Verdict> = {
  Failed: (name, because) => no("VMIFailed", `VirtualMachineInstance ${name} failed${because}`),
  Unknown: (name, because) =>
    no(
      "VMIUnknown",
      `the state of VirtualMachineInstance ${name} is unknown${because}: its node may be unreachable`,
    ),
  Succeeded: (name) => no("VMStopped", `the guest of VirtualMachineInstance ${name} shut down`),
};

function instanceVerdict(vmi: KubeObject): Verdict {
  const name = vmi.metadata?.name ?? "";
  const phase = String(at(vmi, "status", "phase") ?? "Pending");
  const why = at(vmi, "status", "reason");
  const because = typeof why === "string" && why ? ` (${why})` : "";
  if (phase === "Running") {
    const node = String(at(vmi, "status", "nodeName") ?? "a node");
    return {
      status: "True",
      reason: "VMIRunning",
      message: `VirtualMachineInstance ${name} runs on ${node}`,
    };
  }
  return SETTLED[phase]?.(name, because) ?? pendingInstance(vmi, name, phase);
}

function pendingInstance(vmi: KubeObject, name: string, phase: string): Verdict {
  const unschedulable = conditionsOf(vmi).find(
    (c) => c.type === "PodScheduled" && c.status === "False" && c.reason === "Unschedulable",
  );
  if (unschedulable)
    return no(
      "InsufficientResources",
      `VirtualMachineInstance ${name} cannot be scheduled: ${unschedulable.message ?? "no node fits"}`,
    );
  return no("VMIScheduling", `VirtualMachineInstance ${name} is ${phase}`);
}
