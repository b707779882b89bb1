// One server process under measurement: started the way its image starts it, its stdout drained
// (a function logs a line per review; a full pipe would stall it), its port read from the
// `"msg":"serving"` line every program here prints, its resident memory read from /proc.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { inPodMounts } from "../../test/helpers/pod-mounts.ts";
import { memoryCgroups } from "./memory-limit.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A program to run: `node <args>` with `env` on top of a minimal environment. */
export interface Program {
  args: string[];
  env: Record<string, string>;
  /** The memory limit of its pod: it runs in a memory cgroup with it, where one can be made. */
  memoryLimitMiB?: number;
  /** Its pod's ServiceAccount: it runs where the kubelet would mount it (inPodMounts). */
  serviceAccount?: string;
}

const cgroups = memoryCgroups();

/** How programs were limited, for the machine line; and the cgroups removed at the end. */
export const memoryLimiting = {
  kind: cgroups?.kind,
  remove: (): void => cgroups?.remove(),
};

/** What one request is, as the load generators and the first-answer probes send it. */
export interface BenchRequest {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Running {
  url: string;
  pid: number;
  /** performance.now() when the process was spawned. */
  spawnedAt: number;
  stop(): Promise<void>;
}

export async function launch(program: Program, extraArgs: string[] = []): Promise<Running> {
  const spawnedAt = performance.now();
  const node = [process.execPath, ...extraArgs, ...program.args];
  const argv = program.serviceAccount ? inPodMounts(program.serviceAccount, node) : node;
  const cgroup =
    cgroups && program.memoryLimitMiB ? cgroups.limitedTo(program.memoryLimitMiB) : undefined;
  // The shell moves itself into the cgroup and becomes node, so node starts inside it (its
  // heap is sized at start-up); both floors and functions pay the same few hundred microseconds.
  const [command = "", ...args] = cgroup
    ? ["/bin/sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', cgroup, ...argv]
    : argv;
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env["PATH"] ?? "", ...program.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await servingPort(child, program);
  child.once("exit", (code, signal) => {
    if (!stopping.has(child))
      process.stderr.write(
        `bench: ${program.args.join(" ")} exited (${code ?? signal}) while measured\n`,
      );
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    spawnedAt,
    stop: () => stop(child),
  };
}

function servingPort(child: ChildProcess, program: Program): Promise<number> {
  let out = "";
  let err = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-4000);
    // A program's own complaints are part of the record.
    process.stderr.write(chunk);
  });
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${program.args.join(" ")}: no serving line in 20 s\n${err}`)),
      20_000,
    );
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${program.args.join(" ")} exited with ${code} before serving\n${err}`));
    });
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const match = /"msg":"serving".*?"port":(\d+)/.exec(out);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stdout?.resume();
      resolve(Number(match[1]));
    };
    child.stdout?.on("data", onData);
  });
}

const stopping = new WeakSet<ChildProcess>();

function stop(child: ChildProcess): Promise<void> {
  stopping.add(child);
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Sends one request and checks the status; the body is read to the end, as a client would. */
export async function send(url: string, request: BenchRequest): Promise<number> {
  const res = await fetch(`${url}${request.path}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  await res.arrayBuffer();
  return res.status;
}

/**
 * The first answer with status 200. `poll` is for programs that answer 503 until work of their own
 * is done (cpu-labeller, until its first publish): they are asked again every 5 ms.
 */
export async function firstAnswer(url: string, request: BenchRequest, poll = false): Promise<void> {
  const deadline = performance.now() + 20_000;
  for (;;) {
    const status = await send(url, request);
    if (status === 200) return;
    if (!poll || performance.now() > deadline)
      throw new Error(`${request.method} ${url}${request.path} answered ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resident memory in MiB, as the kernel counts it for the container's memory limit. */
export function rssMiB(pid: number, field: "VmRSS" | "RssAnon" = "VmRSS"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

/** CPU time the process has used so far, in microseconds (user + system, from /proc). */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15, in clock ticks of 10 ms.
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10_000;
}
