// The issue's targets, each figure beside its floor as a ratio, and the tables printed at the end
// of `npm run bench` (the same tables docs/benchmarks.md quotes).
import type { Figures, Paired, Throughput } from "./measure.ts";
import type { MachineInfo, Noise } from "./machine.ts";
import { NOISY_CORES } from "./machine.ts";

export interface Check {
  what: string;
  value: number;
  target: string;
  ok: boolean;
}

const r2 = (value: number): number => Math.round(value * 100) / 100;
const ratio = (a: number | undefined, b: number | undefined): number =>
  a === undefined || b === undefined || b === 0 ? NaN : r2(a / b);
/** No growth: the 50k-to-100k step within GC noise. */
export const GROWTH_MIB = 3;

/**
 * An admission (or other Functions Framework) function against the framework floor: its RSS
 * against the floor's own run, its throughput against the floor's loaded in turns with it
 * (`paired`), its cold starts against the floor's taken between them.
 */
export function functionChecks(fn: Figures, floor: Figures, paired: Paired): Check[] {
  // The floor's cold starts taken between this function's, where they were (the same minutes).
  const floorCold = fn.floorColdMs ?? floor.coldWithoutReadMs;
  const checks: Check[] = [];
  if (fn.coldWithReadMs !== undefined) {
    const value = ratio(fn.coldWithReadMs, floorCold);
    checks.push({
      what: "cold start with a read / floor",
      value,
      target: "<= 1.5",
      ok: value <= 1.5,
    });
  }
  if (fn.coldWithoutReadMs !== undefined) {
    const value = ratio(fn.coldWithoutReadMs, floorCold);
    checks.push({
      what: "cold start without a read / floor",
      value,
      target: "<= 1.0",
      ok: value <= 1,
    });
  }
  const rps = paired.rpsRatio;
  const cpu = paired.cpuRatio;
  const rss = ratio(fn.rss.atFull, floor.rss.atFull);
  const growth = r2(fn.rss.atFull - fn.rss.atHalf);
  return [
    ...checks,
    {
      what: "req/s at 16 connections / floor, in turns",
      value: rps,
      target: ">= 0.8",
      ok: rps >= 0.8,
    },
    // The same target in CPU per request, which other work on the machine cannot skew.
    {
      what: "floor CPU per request / own, in turns",
      value: cpu,
      target: ">= 0.8",
      ok: cpu >= 0.8,
    },
    {
      what: "p99 at the steady rate (ms)",
      value: fn.steady.p99ms,
      target: "< 5",
      ok: fn.steady.p99ms < 5,
    },
    {
      what: "RSS after 100k (MiB)",
      value: fn.rss.atFull,
      target: "< 128",
      ok: fn.rss.atFull < 128,
    },
    { what: "RSS after 100k / floor", value: rss, target: "<= 1.3", ok: rss <= 1.3 },
    {
      what: "RSS growth 50k -> 100k (MiB)",
      value: growth,
      target: `<= ${GROWTH_MIB}`,
      ok: growth <= GROWTH_MIB,
    },
  ];
}

/** The metadata sidecar against bare node:http serving the same GETs. */
export function imdsChecks(imds: Figures, bare: Figures): Check[] {
  const idle = r2(imds.rss.afterStart - bare.rss.afterStart);
  const loaded = r2(imds.rss.atFull - bare.rss.atFull);
  const rps = ratio(imds.rps16, bare.rps16);
  const growth = r2(imds.rss.atFull - imds.rss.atHalf);
  return [
    { what: "RSS after start - bare (MiB)", value: idle, target: "<= 5", ok: idle <= 5 },
    { what: "RSS after 100k - bare (MiB)", value: loaded, target: "<= 5", ok: loaded <= 5 },
    { what: "req/s at 16 connections / bare", value: rps, target: ">= 0.8", ok: rps >= 0.8 },
    {
      what: "RSS growth 50k -> 100k (MiB)",
      value: growth,
      target: `<= ${GROWTH_MIB}`,
      ok: growth <= GROWTH_MIB,
    },
  ];
}

const cell = (value: number | undefined, suffix = ""): string =>
  value === undefined || Number.isNaN(value) ? "-" : `${value}${suffix}`;
const kB = (bytes: number | undefined): string =>
  bytes === undefined ? "-" : `${Math.round(bytes / 1024)}`;

export function noiseNote(noise: Noise): string {
  const busy = noise.otherCores >= NOISY_CORES || noise.stealCores >= NOISY_CORES;
  return busy ? `yes: ${noise.otherCores} core other work, ${noise.stealCores} steal` : "no";
}

export function figuresTable(rows: Figures[], steadyRate: number): string {
  const head = [
    "server",
    "cold start, no read (ms)",
    "cold start, first read (ms)",
    "req/s 16 conn (CPU µs/req)",
    "req/s 1 conn (p50 ms)",
    `p50 / p99 at ${steadyRate}/s (ms)`,
    "RSS MiB: start / warm / 50k / 100k (private); limit",
    "JS loaded at start (kB; after read)",
    "other work on the machine",
  ];
  const lines = rows.map((f) =>
    [
      f.name,
      cell(f.coldWithoutReadMs),
      cell(f.coldWithReadMs),
      `${f.rps16} (${f.cpuUsPerRequest})`,
      `${f.rps1} (${f.p50ms1})`,
      `${f.steady.p50ms} / ${f.steady.p99ms} (${f.steady.rps}/s)`,
      `${f.rss.afterStart} / ${f.rss.afterWarmup} / ${f.rss.atHalf} / ${f.rss.atFull} (${f.anonAtFull}); ${f.memoryLimitMiB === undefined ? "none" : `${f.memoryLimitMiB}Mi`}`,
      `${kB(f.bytesAtStart)}${f.bytesAfterRead === undefined ? "" : `; ${kB(f.bytesAfterRead)}`}`,
      noiseNote(f.noise),
    ].join(" | "),
  );
  return markdown(head, lines);
}

export function checksTable(rows: { name: string; floor: string; checks: Check[] }[]): string {
  const lines = rows.flatMap(({ name, floor, checks }) =>
    checks.map((c) =>
      [name, floor, c.what, cell(c.value), c.target, c.ok ? "met" : "**not met**"].join(" | "),
    ),
  );
  return markdown(["server", "floor", "figure", "value", "target", "status"], lines);
}

export interface OwnRequestRow {
  fn: Figures;
  /** The framework floor fed the function's own request under load. */
  floor: Throughput;
  /** The function and the framework floor on the floor review, loaded in turns. */
  inTurns: Paired;
}

/**
 * Not a target: what the framework itself costs on each function's request (a Pod review is
 * three times the floor review, and the framework parses all of it before the function runs),
 * beside what the function costs on the same request.
 */
export function ownRequestTable(rows: OwnRequestRow[]): string {
  const lines = rows.map(({ fn, floor, inTurns }) =>
    [
      fn.name,
      `${Math.round(floor.requestBytes / 102.4) / 10}`,
      `${inTurns.floor.rps16} (${inTurns.floor.cpuUsPerRequest})`,
      `${floor.rps16} (${floor.cpuUsPerRequest})`,
      `${cell(ratio(inTurns.floor.cpuUsPerRequest, floor.cpuUsPerRequest))}`,
      `${fn.rps16} (${fn.cpuUsPerRequest})`,
      `${cell(ratio(fn.rps16, floor.rps16))}`,
      `${cell(ratio(floor.cpuUsPerRequest, fn.cpuUsPerRequest))}`,
    ].join(" | "),
  );
  return markdown(
    [
      "function",
      "request (kB)",
      "floor in turns with it: req/s 16 conn (CPU µs/req)",
      "floor on it: req/s 16 conn (CPU µs/req)",
      "floor review's CPU / this one's",
      "function: req/s 16 conn (CPU µs/req)",
      "req/s / floor on it",
      "floor's CPU on it / own",
    ],
    lines,
  );
}

/** The throughput targets' figures, with each pair of processes' CPU ratio beside the median. */
export function inTurnsTable(rows: OwnRequestRow[]): string {
  const lines = rows.map(({ fn, inTurns }) =>
    [
      fn.name,
      `${inTurns.fn.rps16} (${inTurns.fn.cpuUsPerRequest})`,
      `${inTurns.floor.rps16} (${inTurns.floor.cpuUsPerRequest})`,
      `${inTurns.rpsRatio}`,
      `${inTurns.cpuRatio}`,
      inTurns.cpuRatioByPair.join(", "),
    ].join(" | "),
  );
  return markdown(
    [
      "function",
      "function: req/s 16 conn (CPU µs/req)",
      "floor: req/s 16 conn (CPU µs/req)",
      "req/s / floor",
      "floor CPU / own",
      "floor CPU / own, each pair of processes",
    ],
    lines,
  );
}

function markdown(head: string[], lines: string[]): string {
  return [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...lines.map((l) => `| ${l} |`),
  ].join("\n");
}

export function machineLine(machine: MachineInfo): string {
  return (
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, ` +
    `Node ${machine.node}, load from ${machine.generator}, load average at start ${machine.loadAverageAtStart.join(" ")}, ` +
    (machine.memoryCgroups
      ? `each program in a ${machine.memoryCgroups} memory cgroup with its pod's memory limit`
      : "**no memory cgroup could be made (run as root): programs ran without their pods' memory limits, and V8 sizes its heap for the whole machine**")
  );
}
