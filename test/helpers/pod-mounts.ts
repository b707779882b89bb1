import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The command that runs `argv` as a pod's container sees its ServiceAccount: in a mount namespace
 * of its own, where a private /run (bound over the host's) holds `serviceAccountRoot` (a
 * FakeKubeApi's writeServiceAccount) at /var/run/secrets/kubernetes.io/serviceaccount, as the
 * kubelet mounts it. Nothing on the host changes. As root the namespace is made directly; otherwise
 * a user namespace makes it (`unshare -Ur`), as scripts/test-netns.ts does. The process keeps the
 * pid the caller spawned: unshare and the shell both exec.
 */
export function inPodMounts(serviceAccountRoot: string, argv: readonly string[]): string[] {
  const run = runDirFor(serviceAccountRoot);
  const user = process.getuid?.() === 0 ? [] : ["-Ur"];
  return [
    "unshare",
    ...user,
    "-m",
    "--propagation",
    "private",
    "sh",
    "-c",
    `mount --bind "$0" ${realpathSync("/var/run")} && exec "$@"`,
    run,
    ...argv,
  ];
}

const runDirs = new Map<string, string>();

// One /run per ServiceAccount: the bench starts hundreds of processes on the same one.
function runDirFor(serviceAccountRoot: string): string {
  let run = runDirs.get(serviceAccountRoot);
  if (run === undefined) {
    run = mkdtempSync(join(tmpdir(), "pod-run-"));
    mkdirSync(join(run, "secrets", "kubernetes.io"), { recursive: true });
    symlinkSync(serviceAccountRoot, join(run, "secrets", "kubernetes.io", "serviceaccount"));
    runDirs.set(serviceAccountRoot, run);
  }
  return run;
}

/** Whether this machine lets inPodMounts make its namespace (root, or user namespaces allowed). */
export function podMountsWork(): boolean {
  const root = mkdtempSync(join(tmpdir(), "pod-probe-"));
  const [command = "", ...args] = inPodMounts(root, ["true"]);
  return spawnSync(command, args, { stdio: "ignore" }).status === 0;
}
