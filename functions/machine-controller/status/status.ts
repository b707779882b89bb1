import { isDeepStrictEqual } from "node:util";
import type { Condition, ConditionType, Machine, MachineStatus, Phase } from "../api.ts";
import { at } from "../children/child.ts";
import type { Observed } from "../hooks/observed.ts";
import type { Problem } from "../spec/problems.ts";
import type { ResolvedMachine } from "../spec/resolve.ts";
import { networkVerdict, storageVerdict } from "./verdicts.ts";
import type { Verdict } from "./vm-condition.ts";
import { vmVerdict } from "./vm-condition.ts";

export interface StatusInput {
  parent: Machine;
  observed: Observed;
  /** The Machine resolved, or the problem that stopped it (then the children are kept as observed). */
  machine: ResolvedMachine | Problem;
  conflicts: readonly Problem[];
  now: Date;
  /** During teardown: the Ready condition and phase that say how far it got. */
  teardown?: { ready: Verdict; phase: Phase };
}

type SubCondition = Exclude<ConditionType, "Ready">;
const SUB_CONDITIONS: readonly SubCondition[] = [
  "VirtualMachineReady",
  "StorageReady",
  "NetworkReady",
];
const FAILED_REASONS = new Set([
  "PVCLost",
  "DataVolumeFailed",
  "KubeVirtApiError",
  "VMIFailed",
  "VMIUnknown",
]);

/** Kubernetes writes times to the second. */
export function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function verdicts(input: StatusInput): Record<SubCondition, Verdict> {
  const { machine, observed, conflicts } = input;
  if ("reason" in machine) {
    const blocked: Verdict = {
      status: "Unknown",
      reason: "NotEvaluated",
      message: `not evaluated until ${machine.reason} is fixed`,
    };
    const own: Verdict = { status: "False", reason: machine.reason, message: machine.message };
    return {
      VirtualMachineReady: machine.condition === "VirtualMachineReady" ? own : blocked,
      StorageReady: machine.condition === "StorageReady" ? own : blocked,
      NetworkReady: machine.condition === "NetworkReady" ? own : blocked,
    };
  }
  return {
    VirtualMachineReady: vmVerdict(observed, machine.running),
    StorageReady: storageVerdict(machine, observed, conflicts),
    NetworkReady: networkVerdict(machine),
  };
}

/** The phase table (docs/functions/machine-controller.md): from what was observed, problems first. */
export function phaseOf(input: StatusInput, sub: Record<SubCondition, Verdict>): Phase {
  const { observed } = input;
  if ("reason" in input.machine) return "Failed";
  if (SUB_CONDITIONS.some((type) => FAILED_REASONS.has(sub[type].reason))) return "Failed";
  if (sub.VirtualMachineReady.reason === "VMIRunning") return "Running";
  if (sub.VirtualMachineReady.reason === "VMStopped" && observed.vm) return "Stopped";
  if (!observed.vm && observed.pvcs.size === 0) return "Pending";
  return "Creating";
}

function readyVerdict(
  input: StatusInput,
  sub: Record<SubCondition, Verdict>,
  phase: Phase,
): Verdict {
  if (input.teardown) return input.teardown.ready;
  if ("reason" in input.machine)
    return { status: "False", reason: input.machine.reason, message: input.machine.message };
  const order: SubCondition[] = ["StorageReady", "NetworkReady", "VirtualMachineReady"];
  const first = order.map((type) => sub[type]).find((v) => v.status !== "True");
  if (first) return { ...first, status: "False" };
  if (phase !== "Running")
    return { status: "False", reason: phase, message: `the Machine is ${phase}` };
  return {
    status: "True",
    reason: "MachineReady",
    message: "the VM runs, its disks are bound and its networks found",
  };
}

/** The status to report: only what was observed; times kept from the last status when nothing changed. */
export function machineStatus(input: StatusInput): MachineStatus {
  const sub = verdicts(input);
  const phase = input.teardown?.phase ?? phaseOf(input, sub);
  const previous = input.parent.status ?? {};
  const generation = Number(input.parent.metadata?.["generation"] ?? 0);
  const all: [ConditionType, Verdict][] = [
    ["Ready", readyVerdict(input, sub, phase)],
    ...SUB_CONDITIONS.map((t) => [t, sub[t]] as [ConditionType, Verdict]),
  ];
  const conditions = all.map(([type, verdict]) =>
    condition(type, verdict, { previous: previous.conditions, now: input.now, generation }),
  );
  const status: Omit<MachineStatus, "lastUpdated"> = {
    phase,
    conditions,
    ...observedNames(input.observed),
    observedGeneration: generation,
  };
  const { lastUpdated, ...before } = previous;
  const unchanged =
    lastUpdated !== undefined && isDeepStrictEqual(JSON.parse(JSON.stringify(status)), before);
  return { ...status, lastUpdated: unchanged ? lastUpdated : timestamp(input.now) };
}

function condition(
  type: ConditionType,
  verdict: Verdict,
  { previous, now, generation }: { previous?: Condition[]; now: Date; generation: number },
): Condition {
  const last = Array.isArray(previous) ? previous.find((c) => c?.type === type) : undefined;
  const same = last?.status === verdict.status && typeof last.lastTransitionTime === "string";
  return {
    type,
    status: verdict.status,
    reason: verdict.reason,
    message: verdict.message,
    lastTransitionTime: same ? last.lastTransitionTime : timestamp(now),
    observedGeneration: generation,
  };
}

/** The guest's addresses, every interface's list in order, each once. */
function addressesOf(vmi: unknown): string[] {
  const interfaces = at(vmi, "status", "interfaces");
  const all = (Array.isArray(interfaces) ? interfaces : []).flatMap((i: unknown) => {
    const list = at(i, "ipAddresses");
    return Array.isArray(list) ? list : [at(i, "ipAddress")];
  });
  return [...new Set(all.filter((a): a is string => typeof a === "string" && a !== ""))];
}

function observedNames({ vm, vmi }: Observed): Partial<MachineStatus> {
  const addresses = addressesOf(vmi);
  const nodeName = at(vmi, "status", "nodeName");
  return {
    ...(vm?.metadata?.name ? { vmName: vm.metadata.name } : {}),
    ...(vmi?.metadata?.name ? { vmiName: vmi.metadata.name } : {}),
    ...(addresses.length ? { ipAddresses: addresses } : {}),
    ...(typeof nodeName === "string" && nodeName ? { nodeName } : {}),
  };
}
