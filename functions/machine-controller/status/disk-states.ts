import { at } from "../children/child.ts";
import { usesDataVolume } from "../children/data-volumes.ts";
import { pvcName } from "../children/pvcs.ts";
import type { Observed } from "../hooks/observed.ts";
import type { ResolvedMachine } from "../spec/resolve.ts";

/** One disk as observed: ready, waiting (with why), or broken for good. */
export interface DiskState {
  /** `PVC web-root` or `DataVolume web-root`. */
  what: string;
  state: "ready" | "waiting" | "failed";
  reason: string;
  message: string;
}

/** Every disk's state, in disk order: its PVC's phase, or its DataVolume's. */
export function diskStates(machine: ResolvedMachine, observed: Observed): DiskState[] {
  return machine.disks.map((disk) => {
    const name = pvcName(machine.name, disk.name);
    return usesDataVolume(machine, disk, observed)
      ? dataVolumeState(name, observed)
      : pvcState(name, observed);
  });
}

function pvcState(name: string, observed: Observed): DiskState {
  const what = `PVC ${name}`;
  const phase = at(observed.pvcs.get(name), "status", "phase");
  if (phase === "Bound") return { what, state: "ready", reason: "PVCBound", message: "" };
  if (phase === "Lost")
    return { what, state: "failed", reason: "PVCLost", message: `${what} lost its volume` };
  const message =
    phase === undefined ? `${what} is not created yet` : `${what} is ${String(phase)}`;
  return { what, state: "waiting", reason: "PVCPending", message };
}

/** CDI's phases: Succeeded is filled, Failed is final, ImportInProgress reports a progress. */
function dataVolumeState(name: string, observed: Observed): DiskState {
  const what = `DataVolume ${name}`;
  const dataVolume = observed.dataVolumes.get(name);
  const phase = at(dataVolume, "status", "phase");
  const why = runningProblem(dataVolume);
  if (phase === "Succeeded") return { what, state: "ready", reason: "PVCBound", message: "" };
  if (phase === "Failed")
    return { what, state: "failed", reason: "DataVolumeFailed", message: `${what} failed${why}` };
  if (phase === undefined)
    return {
      what,
      state: "waiting",
      reason: "DataVolumePending",
      message: `${what} is not created yet`,
    };
  const progress = at(dataVolume, "status", "progress");
  if (phase === "ImportInProgress" || phase === "CloneInProgress") {
    const done = typeof progress === "string" && progress !== "N/A" ? `: ${progress}` : "";
    return {
      what,
      state: "waiting",
      reason: "DataVolumeImporting",
      message: `${what} is importing${done}${why}`,
    };
  }
  return {
    what,
    state: "waiting",
    reason: "DataVolumePending",
    message: `${what} is ${String(phase)}${why}`,
  };
}

/** CDI's Running condition when it says what went wrong (an import pod that fails, a bad URL). */
function runningProblem(dataVolume: unknown): string {
  const list = at(dataVolume, "status", "conditions");
  const running = (Array.isArray(list) ? list : []).find((c) => at(c, "type") === "Running");
  const reason = at(running, "reason");
  const message = at(running, "message");
  if (at(running, "status") !== "False" || reason === "Completed" || !message) return "";
  return ` (${String(reason ?? "")}: ${String(message)})`;
}
