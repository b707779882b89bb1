// npm run bench:profile -- [function ...]: where a server's CPU goes under load. Runs each server
// (the framework floor first, then each function named, default nested-virt) as the bench runs
// it, with V8's sampling profiler on, under 16 connections for a few seconds, and prints its self
// time grouped by where the code comes from: a package under node_modules (mapped back through
// the bundle's source map), the project's own code, Node's internals, or GC and idle.
// BENCH_PROFILE_SECONDS (5) sets how long each server is profiled, TOPF (25) how many functions
// the by-function table lists.
import { readdirSync, readFileSync, rmSync, mkdtempSync } from "node:fs";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeKubeApi } from "../../test/helpers/fake-kube-api.ts";
import type { FakeObject } from "../../test/helpers/fake-kube-api.ts";
import { BENCH_INPUTS, baseCluster, floorReview } from "./inputs.ts";
import { closedLoad } from "./load.ts";
import type { BenchRequest, Program } from "./process.ts";
import { firstAnswer, launch, memoryLimiting } from "./process.ts";
import { floorProgram, functionProgram, prepare } from "./programs.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const SECONDS = Number(process.env["BENCH_PROFILE_SECONDS"] ?? 5);
const maps = new Map<string, SourceMap | undefined>();

function sourceMapOf(url: string): SourceMap | undefined {
  if (!maps.has(url)) {
    try {
      const payload = JSON.parse(readFileSync(`${new URL(url).pathname}.map`, "utf8")) as object;
      maps.set(url, new SourceMap(payload as ConstructorParameters<typeof SourceMap>[0]));
    } catch {
      maps.set(url, undefined);
    }
  }
  return maps.get(url);
}

/** Where a frame's code comes from, as a reader would name it. */
function origin(frame: ProfileNode["callFrame"]): string {
  if (frame.url === "")
    return frame.functionName.startsWith("(")
      ? frame.functionName
      : `(native) ${frame.functionName}`;
  if (frame.url.startsWith("node:")) return `node:${frame.url.slice(5).split("/")[0] ?? ""}`;
  return originOfFile(originalFile(frame));
}

function originalFile(frame: ProfileNode["callFrame"]): string {
  const found = sourceMapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
  return found && "originalSource" in found ? String(found.originalSource) : frame.url;
}

function originOfFile(file: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
  const own = /\/((?:shared|functions|scripts)\/[^/]+)/.exec(file)?.[1];
  return pkg ?? own ?? file;
}

/** The frame's function as the source names it (the bundle's names are minified). */
function functionOf(frame: ProfileNode["callFrame"]): string {
  const found = frame.url.startsWith("file:")
    ? sourceMapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber)
    : undefined;
  const source =
    found && "originalSource" in found
      ? (found as { originalSource: string; originalLine: number })
      : undefined;
  const line = source ? `:${source.originalLine + 1}` : "";
  const file = source ? source.originalSource.split("/").pop() : "";
  return `${origin(frame)} ${file ?? ""}${line} ${frame.functionName}`;
}

function summarise(
  profile: Profile,
  key: (f: ProfileNode["callFrame"]) => string,
): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, key(n.callFrame)]));
  const counts = new Map<string, number>();
  for (const id of profile.samples) {
    const where = byId.get(id) ?? "?";
    counts.set(where, (counts.get(where) ?? 0) + 1);
  }
  const busy = [...counts].filter(([k]) => k !== "(idle)").reduce((s, [, v]) => s + v, 0);
  return [...counts]
    .filter(([k]) => k !== "(idle)")
    .map(([k, v]): [string, number] => [k, Math.round((v / busy) * 1000) / 10])
    .sort((a, b) => b[1] - a[1]);
}

async function profiled(
  name: string,
  program: Program,
  first: BenchRequest,
  load: BenchRequest,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "cpu-prof-"));
  const server = await launch(program, ["--cpu-prof", "--cpu-prof-dir", dir]);
  await firstAnswer(server.url, first);
  await closedLoad(server.url, load, { connections: 16, seconds: 1 });
  const result = await closedLoad(server.url, load, { connections: 16, seconds: SECONDS });
  await server.stop();
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`${name}: no profile written`);
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile;
  const rows = summarise(profile, origin);
  const functions = summarise(profile, functionOf);
  rmSync(dir, { recursive: true, force: true });
  console.log(`\n### ${name}: ${result.rps} req/s under the profiler, share of busy CPU samples`);
  console.log("| where | % |\n| --- | --- |");
  for (const [where, share] of rows.slice(0, 18)) console.log(`| ${where} | ${share} |`);
  console.log(`\nby function (self time):\n| function | % |\n| --- | --- |`);
  for (const [where, share] of functions.slice(0, Number(process.env["TOPF"] ?? 25)))
    console.log(`| ${where} | ${share} |`);
}

const names = process.argv.slice(2);
const ws = await prepare();
const api = new FakeKubeApi();
await api.start();
for (const object of baseCluster() as FakeObject[]) api.put(object);
try {
  const review = floorReview();
  await profiled("framework floor", floorProgram(ws, "framework"), review, review);
  for (const name of names.length ? names : ["nested-virt"]) {
    const input = await BENCH_INPUTS[name]?.();
    const load = input?.load ?? input?.withRead ?? input?.withoutRead;
    if (!input || !load) throw new Error(`no bench input for ${name}`);
    for (const object of input.cluster as FakeObject[]) api.put(object);
    const program = functionProgram(ws, name, { KUBECONFIG: api.writeKubeconfig(), ...input.env });
    await profiled(name, program, load, load);
  }
} finally {
  await api.stop();
  ws.remove();
  memoryLimiting.remove();
}
