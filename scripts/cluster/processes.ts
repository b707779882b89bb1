// Child processes of the control plane: each logs to a file in the state folder and is stopped
// with SIGTERM (SIGKILL after a grace period), so `down` never leaves one behind.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

export interface Running {
  name: string;
  child: ChildProcess;
  log: string;
  stop(): Promise<void>;
}

/** A port nothing listens on at `host` right now. */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The last lines of a log, for an error that says why a process stopped. */
export function tail(log: string, lines = 5): string {
  try {
    return readFileSync(log, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGTERM");
    });
}

export function startProcess(
  name: string,
  argv: readonly string[],
  log: string,
  env: NodeJS.ProcessEnv = process.env,
): Running {
  const [command = "", ...args] = argv;
  const fd = openSync(log, "a");
  const child = spawn(command, args, { stdio: ["ignore", fd, fd], env });
  child.on("error", () => undefined);
  return { name, child, log, stop: stopper(child) };
}

/** Polls `ready` until it holds; fails with the process's last log lines if it exits first. */
export async function waitUntil(
  running: Running,
  ready: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null) {
      throw new Error(
        `${running.name} exited with ${running.child.exitCode}: ${tail(running.log)}`,
      );
    }
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `${running.name} was not ready within ${timeoutMs / 1000} s: ${tail(running.log)}`,
  );
}
