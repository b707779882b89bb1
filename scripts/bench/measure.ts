// Every figure for one server, in one fixed sequence: cold starts (median of several, each in a
// new process, after one unmeasured run that fills the compile cache as the image's build does),
// the bytes it loads before its first answer, then one process under load: RSS after its first
// answer, after a warm-up, after 50k and 100k requests; throughput at 16 and 1 connections; p50
// and p99 at a steady moderate rate.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LoadResult } from "./load.ts";
import { closedLoad, pacedLoad } from "./load.ts";
import type { CpuMark, Noise } from "./machine.ts";
import { cpuMark, noiseSince } from "./machine.ts";
import type { BenchRequest, Program, Running } from "./process.ts";
import { cpuMicros, firstAnswer, launch, rssMiB, send } from "./process.ts";

const COUNT_LOADS = fileURLToPath(new URL("./count-loads.ts", import.meta.url));

export interface Plan {
  coldRuns: number;
  /** RSS is read after this many requests and after twice as many. */
  requests: number;
  warmupSeconds: number;
  serialSeconds: number;
  steadyRate: number;
  steadySeconds: number;
}

export const DEFAULT_PLAN: Plan = {
  coldRuns: Number(process.env["BENCH_COLD_RUNS"] ?? 5),
  requests: Number(process.env["BENCH_REQUESTS"] ?? 50_000),
  warmupSeconds: 2,
  serialSeconds: 2,
  steadyRate: Number(process.env["BENCH_STEADY_RATE"] ?? 1000),
  steadySeconds: 4,
};

export interface Subject {
  name: string;
  program: Program;
  withRead?: BenchRequest;
  withoutRead?: BenchRequest;
  load: BenchRequest;
  poll?: boolean;
  /**
   * The floor whose cold start this one's is compared with: started between this one's cold
   * starts, one for one, so that both medians come from the same minutes of a machine whose load
   * drifts (the framework floor took 242 ms at the start of one run and 174 ms at its end).
   */
  coldFloor?: { program: Program; request: BenchRequest };
}

export interface Figures {
  name: string;
  /** The memory cgroup's limit the program ran under (absent: none could be made). */
  memoryLimitMiB?: number;
  coldWithReadMs?: number;
  coldWithoutReadMs?: number;
  coldTrials: Record<string, number[]>;
  /** The floor's median cold start over the same minutes (see Subject.coldFloor). */
  floorColdMs?: number;
  /** JavaScript loaded before the first answer, and in all once its first read is done. */
  bytesAtStart: number;
  bytesAfterRead?: number;
  rss: { afterStart: number; afterWarmup: number; atHalf: number; atFull: number };
  /** Of RSS after 100k, the private part: without the node binary's pages, which are shared. */
  anonAtFull: number;
  requestsAtHalf: number;
  requestsAtFull: number;
  rps16: number;
  p99ms16: number;
  /** The server's own CPU per request at 16 connections: what the machine's other work cannot inflate. */
  cpuUsPerRequest: number;
  rps1: number;
  p50ms1: number;
  steady: LoadResult;
  errors: number;
  noise: Noise;
}

// The mean of the middle two of an even count; unrounded: the turns' ratios are medians of them.
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

interface ColdRuns {
  runs: number;
  poll?: boolean | undefined;
  /** Started after each of the program's runs; its times are pushed here. */
  floor?: { program: Program; request: BenchRequest; times: number[] } | undefined;
}

async function startToAnswer(
  program: Program,
  first: BenchRequest,
  poll: boolean,
): Promise<number> {
  const server = await launch(program);
  await firstAnswer(server.url, first, poll);
  const elapsed = performance.now() - server.spawnedAt;
  await server.stop();
  return Math.round(elapsed * 10) / 10;
}

const HEALTH: BenchRequest = { method: "GET", path: "/", headers: {} };

/**
 * Fills the compile cache as the image's build does (scripts/prime-compile-cache.sh): one start,
 * one health check, three seconds for what loads after it, SIGTERM (Node writes the cache at exit).
 */
export async function prime(program: Program): Promise<void> {
  const server = await launch(program);
  await send(server.url, HEALTH).catch(() => 0);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await server.stop();
}

const primed = new WeakSet<Program>();

/**
 * The image's cache is read-only at run time, but Node rewrites a writable one at every exit with
 * what that run compiled: each timed start gets the cache as priming left it, never one that an
 * earlier timed start's first review added to.
 */
async function primedStart(program: Program, first: BenchRequest, poll: boolean): Promise<number> {
  const cache = program.env["NODE_COMPILE_CACHE"];
  if (!cache) return startToAnswer(program, first, poll);
  const saved = `${cache}.primed`;
  const restore = (): void => {
    rmSync(cache, { recursive: true, force: true });
    if (existsSync(saved)) cpSync(saved, cache, { recursive: true });
  };
  if (!primed.has(program)) {
    primed.add(program);
    restore();
    await prime(program);
    rmSync(saved, { recursive: true, force: true });
    cpSync(cache, saved, { recursive: true });
  }
  restore();
  return startToAnswer(program, first, poll);
}

async function coldStart(program: Program, first: BenchRequest, cold: ColdRuns): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < cold.runs; i += 1) {
    times.push(await primedStart(program, first, cold.poll === true));
    if (cold.floor)
      cold.floor.times.push(await primedStart(cold.floor.program, cold.floor.request, false));
  }
  return times;
}

/** Cold starts without and with a read, and the floor's between them. */
async function coldTrialsOf(subject: Subject, plan: Plan): Promise<Record<string, number[]>> {
  const trials: Record<string, number[]> = {};
  const floor = subject.coldFloor ? { ...subject.coldFloor, times: [] as number[] } : undefined;
  for (const which of ["withoutRead", "withRead"] as const) {
    const first = subject[which];
    if (first)
      trials[which] = await coldStart(subject.program, first, {
        runs: plan.coldRuns,
        poll: subject.poll,
        floor,
      });
  }
  if (floor?.times.length) trials["floor"] = floor.times;
  return trials;
}

/** The median cold start of a program, in ms. */
export async function coldStarts(
  program: Program,
  first: BenchRequest,
  runs: number,
): Promise<number> {
  return median(await coldStart(program, first, { runs }));
}

function loadedBytes(file: string): number {
  if (!existsSync(file)) return 0;
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .reduce((sum, line) => sum + Number(line.split("\t")[0] ?? 0), 0);
}

async function bytesLoaded(subject: Subject): Promise<{ atStart: number; afterRead?: number }> {
  const dir = mkdtempSync(join(tmpdir(), "loads-"));
  const file = join(dir, "loads");
  const program = { ...subject.program, env: { ...subject.program.env, BENCH_LOADS_FILE: file } };
  const server = await launch(program, ["--import", COUNT_LOADS]);
  try {
    await firstAnswer(server.url, subject.withoutRead ?? subject.load, subject.poll);
    const atStart = loadedBytes(file);
    if (!subject.withRead || !subject.withoutRead) return { atStart };
    await firstAnswer(server.url, subject.withRead, subject.poll);
    return { atStart, afterRead: loadedBytes(file) };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Closed-loop load at 16 connections until `total` requests have been served since start. */
async function loadUntil(
  url: string,
  req: BenchRequest,
  served: { count: number; rps: number; errors: number },
  total: number,
): Promise<LoadResult[]> {
  const runs: LoadResult[] = [];
  // At least one run, so that each step has its own throughput figure.
  while (runs.length === 0 || served.count < total) {
    const seconds = Math.max(1, Math.ceil((total - served.count) / Math.max(served.rps, 1000)));
    const run = await closedLoad(url, req, { connections: 16, seconds });
    served.count += run.requests;
    served.rps = run.rps;
    served.errors += run.errors;
    runs.push(run);
  }
  return runs;
}

async function underLoad(
  subject: Subject,
  plan: Plan,
): Promise<Omit<Figures, "name" | "coldTrials" | "bytesAtStart" | "noise">> {
  const server = await launch(subject.program);
  try {
    await firstAnswer(server.url, subject.withRead ?? subject.load, subject.poll);
    const afterStart = rssMiB(server.pid);
    const warm = await closedLoad(server.url, subject.load, {
      connections: 16,
      seconds: plan.warmupSeconds,
    });
    const afterWarmup = rssMiB(server.pid);
    const served = { count: warm.requests + 1, rps: warm.rps, errors: warm.errors };
    const cpuBefore = cpuMicros(server.pid);
    const runs = await loadUntil(server.url, subject.load, served, plan.requests);
    const requestsAtHalf = served.count;
    const atHalf = rssMiB(server.pid);
    runs.push(...(await loadUntil(server.url, subject.load, served, 2 * plan.requests)));
    const atFull = rssMiB(server.pid);
    const anonAtFull = rssMiB(server.pid, "RssAnon");
    const cpuUsed = cpuMicros(server.pid) - cpuBefore;
    const serial = await closedLoad(server.url, subject.load, {
      connections: 1,
      seconds: plan.serialSeconds,
    });
    const steady = await pacedLoad(server.url, subject.load, {
      rate: plan.steadyRate,
      connections: 8,
      seconds: plan.steadySeconds,
    });
    const seconds = runs.reduce((s, r) => s + r.requests / Math.max(r.rps, 1), 0);
    const requests = runs.reduce((s, r) => s + r.requests, 0);
    return {
      rss: { afterStart, afterWarmup, atHalf, atFull },
      anonAtFull,
      requestsAtHalf,
      requestsAtFull: served.count,
      rps16: Math.round(requests / seconds),
      cpuUsPerRequest: Math.round(cpuUsed / requests),
      p99ms16: Math.max(...runs.map((r) => r.p99ms)),
      rps1: serial.rps,
      p50ms1: serial.p50ms,
      steady,
      errors: served.errors + serial.errors + steady.errors,
    };
  } finally {
    await server.stop();
  }
}

/** Throughput at 16 connections and the server's CPU per request, in a process of its own. */
export interface Throughput {
  rps16: number;
  cpuUsPerRequest: number;
  /** The size of the request sent under load. */
  requestBytes: number;
}

/**
 * Only throughput, after the same warm-up as `measure`: the framework floor fed a function's own
 * request, to tell the framework's cost of a bigger body from the function's own work.
 */
export async function throughput(
  program: Program,
  first: BenchRequest,
  load: BenchRequest,
  plan: Plan = DEFAULT_PLAN,
): Promise<Throughput> {
  const server = await launch(program);
  try {
    await firstAnswer(server.url, first);
    await closedLoad(server.url, load, { connections: 16, seconds: plan.warmupSeconds });
    const run = await loadedRun(server, load, 5);
    return {
      rps16: Math.round(run.rps),
      cpuUsPerRequest: Math.round(run.cpuUs),
      requestBytes: Buffer.byteLength(load.body ?? ""),
    };
  } finally {
    await server.stop();
  }
}

/** 16 connections for `seconds`: req/s, and the server's CPU a request in µs. */
async function loadedRun(
  server: Running,
  load: BenchRequest,
  seconds: number,
): Promise<{ rps: number; cpuUs: number }> {
  const before = cpuMicros(server.pid);
  const run = await closedLoad(server.url, load, { connections: 16, seconds });
  return { rps: run.rps, cpuUs: (cpuMicros(server.pid) - before) / Math.max(run.requests, 1) };
}

/** A function and the framework floor, loaded in turns: each side's medians and the ratios. */
export interface Paired {
  fn: Throughput;
  floor: Throughput;
  /** Medians over every turn of every pair of processes: fn/floor req/s and floor/fn CPU a request. */
  rpsRatio: number;
  cpuRatio: number;
  /** floor/fn CPU a request, the median of each pair of processes on its own. */
  cpuRatioByPair: number[];
  pairs: number;
  turns: number;
}

/** One server of a pair and what its turns measured. */
interface Side {
  server: Running;
  first: BenchRequest;
  load: BenchRequest;
  poll: boolean;
  rps: number[];
  cpu: number[];
}

interface PairPlan {
  /** Pairs of processes, one after another. */
  pairs: number;
  /** Turns each side of a pair gets. */
  turns: number;
  seconds: number;
}

/**
 * Throughput of a function against the framework floor's, both processes up at once and loaded in
 * turns (floor, function, function, floor, ...), `seconds` each: the machine's speed drifts within
 * minutes (the floor review cost 170 µs a request at the start of one run and 236 at its end), and
 * a ratio of two figures taken minutes apart carries that drift. The ratio of each pair of turns
 * sees the same second; the median over all of them is the figure.
 *
 * Short turns and several pairs of processes, because two things moved the ratio on this kind of
 * host: two copies of one build, six turns of 3 s each, came out 0.88-1.07 of each other, and
 * 1 s turns brought that to 0.98-1.01; and a function's process against the floor's moved by more
 * than the turns within it do (vbios-injection 0.74 and 0.87 CPU, pairs a minute apart).
 */
export async function pairedThroughput(
  fn: { program: Program; first: BenchRequest; load: BenchRequest; poll?: boolean },
  floor: { program: Program; request: BenchRequest },
  plan: PairPlan = { pairs: 3, turns: 8, seconds: 1 },
): Promise<Paired> {
  const floorTurns: Pick<Side, "rps" | "cpu"> = { rps: [], cpu: [] };
  const fnTurns: Pick<Side, "rps" | "cpu"> = { rps: [], cpu: [] };
  const cpuRatioByPair: number[] = [];
  for (let p = 0; p < plan.pairs; p++) {
    const [floorSide, fnSide] = await pairTurns(fn, floor, plan);
    cpuRatioByPair.push(round2(median(ratios(floorSide.cpu, fnSide.cpu))));
    for (const [all, side] of [
      [floorTurns, floorSide],
      [fnTurns, fnSide],
    ] as const) {
      all.rps.push(...side.rps);
      all.cpu.push(...side.cpu);
    }
  }
  const summary = ({ rps, cpu }: Pick<Side, "rps" | "cpu">, load: BenchRequest): Throughput => ({
    rps16: Math.round(median(rps)),
    cpuUsPerRequest: Math.round(median(cpu)),
    requestBytes: Buffer.byteLength(load.body ?? ""),
  });
  return {
    floor: summary(floorTurns, floor.request),
    fn: summary(fnTurns, fn.load),
    rpsRatio: round2(median(ratios(fnTurns.rps, floorTurns.rps))),
    cpuRatio: round2(median(ratios(floorTurns.cpu, fnTurns.cpu))),
    cpuRatioByPair,
    pairs: plan.pairs,
    turns: plan.turns,
  };
}

/** One pair of processes, started together, loaded in turns, stopped. */
async function pairTurns(
  fn: { program: Program; first: BenchRequest; load: BenchRequest; poll?: boolean },
  floor: { program: Program; request: BenchRequest },
  plan: PairPlan,
): Promise<[Side, Side]> {
  const side = async (
    program: Program,
    first: BenchRequest,
    load: BenchRequest,
    poll: boolean,
  ): Promise<Side> => ({ server: await launch(program), first, load, poll, rps: [], cpu: [] });
  const floorSide = await side(floor.program, floor.request, floor.request, false);
  const fnSide = await side(fn.program, fn.first, fn.load, fn.poll === true);
  const sides = [floorSide, fnSide];
  try {
    for (const { server, first, load, poll } of sides) {
      await firstAnswer(server.url, first, poll);
      await closedLoad(server.url, load, { connections: 16, seconds: 2 });
    }
    for (let t = 0; t < plan.turns; t++) {
      // floor, function, function, floor, ...: neither side always goes first.
      for (const { server, load, rps, cpu } of t % 2 === 0 ? sides : [fnSide, floorSide]) {
        const run = await loadedRun(server, load, plan.seconds);
        rps.push(run.rps);
        cpu.push(run.cpuUs);
      }
    }
    return [floorSide, fnSide];
  } finally {
    for (const { server } of sides) await server.stop();
  }
}

/** a[t] / b[t], turn by turn. */
const ratios = (a: number[], b: number[]): number[] => a.map((value, t) => value / (b[t] ?? NaN));

const round2 = (value: number): number => Math.round(value * 100) / 100;

export async function measure(subject: Subject, plan: Plan = DEFAULT_PLAN): Promise<Figures> {
  const start: CpuMark = cpuMark();
  const coldTrials = await coldTrialsOf(subject, plan);
  const bytes = await bytesLoaded(subject);
  const loaded = await underLoad(subject, plan);
  return {
    name: subject.name,
    ...(subject.program.memoryLimitMiB ? { memoryLimitMiB: subject.program.memoryLimitMiB } : {}),
    ...(coldTrials["withRead"] ? { coldWithReadMs: median(coldTrials["withRead"]) } : {}),
    ...(coldTrials["withoutRead"] ? { coldWithoutReadMs: median(coldTrials["withoutRead"]) } : {}),
    coldTrials,
    ...(coldTrials["floor"] ? { floorColdMs: median(coldTrials["floor"]) } : {}),
    bytesAtStart: bytes.atStart,
    ...(bytes.afterRead === undefined ? {} : { bytesAfterRead: bytes.afterRead }),
    ...loaded,
    noise: noiseSince(start),
  };
}
