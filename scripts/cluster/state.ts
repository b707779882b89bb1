// The state folder of `npm run cluster` (.cluster/run): what runs, for `status` and `down`.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./binaries.ts";

/** CLUSTER_STATE_DIR moves it (the tests of this command use a folder of their own). */
export const STATE_DIR = process.env["CLUSTER_STATE_DIR"] || join(ROOT, ".cluster", "run");
const STATE_FILE = join(STATE_DIR, "state.json");
export const FAILED_FILE = join(STATE_DIR, "failed.txt");

export interface State {
  /** The background process that owns every other one. */
  daemon: number;
  pids: number[];
  server: string;
  kubeconfig: string;
  kubectl: string;
  frontDoor: string;
  functions: string[];
  kubernetesVersion: string;
  etcdVersion: string;
}

export function readState(): State | undefined {
  if (!existsSync(STATE_FILE)) return undefined;
  return JSON.parse(readFileSync(STATE_FILE, "utf8")) as State;
}

export function writeState(state: State): void {
  writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
