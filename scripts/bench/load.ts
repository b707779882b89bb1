import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchRequest } from "./process.ts";

export interface LoadResult {
  generator: "wrk" | "node";
  connections: number;
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50ms: number;
  p99ms: number;
}

/** Closed loop: each connection sends its next request when the last is answered. */
export interface Closed {
  connections: number;
  seconds: number;
}

/** A steady rate, well under capacity: the latency a webhook sees on a normal day. */
export interface Paced {
  rate: number;
  connections: number;
  seconds: number;
}

/**
 * wrk (Debian package `wrk`) when it is installed: on a 2-core machine a Node generator saturates
 * before a bare node:http server does, and would then measure itself. The Node generator is the
 * fallback so the bench always runs; `generator` says which one produced the figures.
 */
export function wrkVersion(): string | undefined {
  const run = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  if (run.error) return undefined;
  return /wrk (\S+)/.exec(`${run.stdout}${run.stderr}`)?.[1] ?? "unknown";
}

const hasWrk = wrkVersion() !== undefined;

export function closedLoad(url: string, req: BenchRequest, shape: Closed): Promise<LoadResult> {
  return hasWrk ? wrk(url, req, shape) : nodeLoad(url, req, shape);
}

export function pacedLoad(url: string, req: BenchRequest, shape: Paced): Promise<LoadResult> {
  // Each wrk connection waits `delay` between answer and next request, so the rate holds as long
  // as the answers are much faster than the delay (which is what a moderate rate means).
  const delayMs = (shape.connections * 1000) / shape.rate;
  const paced = { connections: shape.connections, seconds: shape.seconds, delayMs };
  return hasWrk ? wrk(url, req, paced) : nodeLoad(url, req, paced);
}

function luaString(value: string): string {
  return JSON.stringify(value);
}

function wrkScript(dir: string, req: BenchRequest, delayMs?: number): string {
  const lines = [`wrk.method = ${luaString(req.method)}`];
  for (const [name, value] of Object.entries(req.headers))
    lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  if (req.body !== undefined) {
    writeFileSync(join(dir, "body"), req.body);
    lines.push(`wrk.body = io.open(${luaString(join(dir, "body"))}):read("*a")`);
  }
  if (delayMs !== undefined) lines.push(`function delay() return ${delayMs} end`);
  const script = join(dir, "request.lua");
  writeFileSync(script, `${lines.join("\n")}\n`);
  return script;
}

interface Shape extends Closed {
  delayMs?: number;
}

/** wrk runs beside the bench, never blocking it: the local API server lives in the bench's process. */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("error", reject);
    child.once("close", () => resolve(out));
  });
}

async function wrk(
  url: string,
  req: BenchRequest,
  { connections, seconds, delayMs }: Shape,
): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), "wrk-"));
  const script = wrkScript(dir, req, delayMs);
  const args = ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script];
  const out = await run("wrk", [...args, `${url}${req.path}`]);
  rmSync(dir, { recursive: true, force: true });
  const requests = Number(/(\d+) requests in ([\d.]+)(m?s)/.exec(out)?.[1] ?? 0);
  if (requests === 0) throw new Error(`wrk measured nothing:\n${out}`);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const sockets = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (sockets ? sockets.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return {
    generator: "wrk",
    connections,
    requests,
    errors,
    seconds,
    rps: Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0)),
    p50ms: percentile(out, "50"),
    p99ms: percentile(out, "99"),
  };
}

function percentile(out: string, which: string): number {
  const match = new RegExp(`^\\s+${which}%\\s+([\\d.]+)(us|ms|s)$`, "m").exec(out);
  if (!match?.[1]) return 0;
  const scale = { us: 0.001, ms: 1, s: 1000 }[match[2] as "us" | "ms" | "s"];
  return round(Number(match[1]) * scale);
}

async function nodeLoad(
  url: string,
  req: BenchRequest,
  { connections, seconds, delayMs = 0 }: Shape,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const started = performance.now();
      if (await send(url, req, agent)) latencies.push(performance.now() - started);
      else errors += 1;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - began) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return {
    generator: "node",
    connections,
    requests: latencies.length + errors,
    errors,
    seconds: round(elapsed),
    rps: Math.round(latencies.length / elapsed),
    p50ms: at(0.5),
    p99ms: at(0.99),
  };
}

function send(url: string, req: BenchRequest, agent: Agent): Promise<boolean> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers["content-length"] = Buffer.byteLength(req.body);
    const call = request(`${url}${req.path}`, { method: req.method, agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200));
    });
    call.on("error", () => resolve(false));
    call.end(req.body);
  });
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
