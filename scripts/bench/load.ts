import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LoadResult {
  generator: "wrk" | "node";
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50ms: number;
  p99ms: number;
}

/**
 * Closed-loop load on loopback for `seconds`, bounded in time. wrk (Debian package `wrk`) when it is
 * installed: a Node generator on a 2-core machine saturates before a bare node:http server does,
 * and would then measure itself. The Node generator is the fallback so the bench always runs; the
 * `generator` field says which one produced the figures.
 */
export function load(
  url: string,
  body: string,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const wrk = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  return wrk.error
    ? loadWithNode(url, body, connections, seconds)
    : Promise.resolve(loadWithWrk(url, body, connections, seconds));
}

function loadWithWrk(url: string, body: string, connections: number, seconds: number): LoadResult {
  const dir = mkdtempSync(join(tmpdir(), "wrk-"));
  writeFileSync(join(dir, "body.json"), body);
  const script = join(dir, "post.lua");
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = io.open("${join(dir, "body.json")}"):read("*a")\n`,
  );
  const run = spawnSync(
    "wrk",
    ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, url],
    { encoding: "utf8" },
  );
  rmSync(dir, { recursive: true, force: true });
  const out = run.stdout;
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    out,
  );
  const errors =
    non2xx + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return {
    generator: "wrk",
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

async function loadWithNode(
  url: string,
  body: string,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const started = performance.now();
      const ok = await post(url, body, agent);
      if (ok) latencies.push(performance.now() - started);
      else errors += 1;
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
    requests: latencies.length,
    errors,
    seconds: round(elapsed),
    rps: Math.round(latencies.length / elapsed),
    p50ms: at(0.5),
    p99ms: at(0.99),
  };
}

function post(url: string, body: string, agent: Agent): Promise<boolean> {
  return new Promise((resolve) => {
    const headers = {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    };
    const req = request(url, { method: "POST", agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200));
    });
    req.on("error", () => resolve(false));
    req.end(body);
  });
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
