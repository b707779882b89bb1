// The machine the figures come from, and how busy other work kept it while they were taken: the
// CPU time the whole machine spent, minus what this bench and every process it started spent
// (its children's time is counted once they have exited, which they all have at each check).
import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { wrkVersion } from "./load.ts";
import { memoryLimiting } from "./process.ts";

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  generator: string;
  loadAverageAtStart: number[];
  /** "cgroup v1"/"cgroup v2" when programs run under their memory limits. */
  memoryCgroups?: string | undefined;
}

export function describeMachine(): MachineInfo {
  const wrk = wrkVersion();
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    generator: wrk ? `wrk ${wrk} (-t1)` : "Node generator (wrk not installed)",
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    memoryCgroups: memoryLimiting.kind,
  };
}

export interface CpuMark {
  busy: number;
  steal: number;
  ours: number;
  at: number;
}

const TICKS_PER_SECOND = 100;

export function cpuMark(): CpuMark {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const at = (i: number): number => fields[i] ?? 0;
  // user nice system idle iowait irq softirq steal
  const busy = at(0) + at(1) + at(2) + at(5) + at(6);
  // /proc/self/stat: utime stime cutime cstime are fields 14-17, after the command in parentheses.
  const self = readFileSync("/proc/self/stat", "utf8");
  const after = self
    .slice(self.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  const ours = [11, 12, 13, 14].reduce((sum, i) => sum + (after[i] ?? 0), 0);
  return { busy, steal: at(7), ours, at: performance.now() };
}

export interface Noise {
  /** CPU that other work used, as a share of one core, over the interval. */
  otherCores: number;
  /** Time the hypervisor gave to other guests, as a share of one core. */
  stealCores: number;
}

export function noiseSince(start: CpuMark, end: CpuMark = cpuMark()): Noise {
  const seconds = (end.at - start.at) / 1000;
  if (seconds <= 0) return { otherCores: 0, stealCores: 0 };
  const share = (ticks: number): number =>
    Math.max(0, Math.round((ticks / TICKS_PER_SECOND / seconds) * 100) / 100);
  return {
    otherCores: share(end.busy - start.busy - (end.ours - start.ours)),
    stealCores: share(end.steal - start.steal),
  };
}

/** Above this, a figure is marked as taken while other work ran. */
export const NOISY_CORES = 0.15;
