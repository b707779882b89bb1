import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { AdmissionReviewResponse } from "../../shared/admission/types.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

// A suite whose setup fails never calls stop(): the run must still end without its functions.
const running = new Set<ChildProcess>();
process.once("exit", () => running.forEach((child) => child.kill("SIGKILL")));

export interface RunningFunction {
  url: string;
  child: ChildProcess;
  /** Everything the process printed on stdout so far. */
  stdout(): string;
  /** Everything the process printed on stderr so far (Node's inspector announces itself there). */
  stderr(): string;
  /** stdout's JSON lines, parsed. */
  logLines(): Record<string, unknown>[];
  /** Resolves once a log line matches: logs and responses travel on different pipes. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a function the way the image does (`main.js --target <name>`, here from source on the
 * same Node), on an ephemeral port, and resolves once it says it is serving. `wrap` turns the
 * command into the one to spawn (inPodMounts).
 */
export async function startFunction(
  target: string,
  env: Record<string, string>,
  entry = "main.ts",
  wrap: (argv: string[]) => string[] = (argv) => argv,
): Promise<RunningFunction> {
  const [command = "", ...args] = wrap([
    process.execPath,
    entry,
    "--target",
    target,
    "--port",
    "0",
  ]);
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env["PATH"] ?? "", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${target} did not start: ${err}`)), 15_000);
    child.on("exit", (code) => reject(new Error(`${target} exited with ${code}: ${err}`)));
    child.stdout.on("data", () => {
      const serving = /"msg":"serving".*"port":(\d+)/.exec(out);
      if (serving?.[1]) {
        clearTimeout(timer);
        resolve(Number(serving[1]));
      }
    });
  });
  const logLines = (): Record<string, unknown>[] =>
    out
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    stdout: () => out,
    stderr: () => err,
    logLines,
    waitForLog: async (match, timeoutMs = 2000) => {
      const deadline = Date.now() + timeoutMs;
      while (!logLines().some(match)) {
        if (Date.now() > deadline) throw new Error(`no matching log line in:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * Resolves once `fn` has loaded its cluster client, which a function does 100 ms after its first
 * request: this sends that request (a health check), so no review a test sends pays for the load.
 */
export async function clusterClientLoaded(fn: RunningFunction): Promise<void> {
  await fetch(fn.url);
  await fn.waitForLog((l) => l["msg"] === "cluster client loaded", 10_000);
}

export async function postJson(
  url: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

/** Posts an AdmissionReview and returns the function's answer; anything but HTTP 200 throws. */
export async function postReview(url: string, body: unknown): Promise<AdmissionReviewResponse> {
  const res = await postJson(url, body);
  if (res.status !== 200)
    throw new Error(`expected HTTP 200, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as AdmissionReviewResponse;
}
