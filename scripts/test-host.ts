// `npm test`'s first step: makes a fresh Debian machine able to run every test. Three end-to-end
// tests run real programs: the shipped TLS front door in a real nginx (nginx-light), the
// metadata sidecar in real network namespaces (iproute2's `ip`), and a function as a pod sees its
// ServiceAccount, in a mount namespace (util-linux's `unshare`, `mount`). What is missing is
// installed with apt-get, as root or through passwordless sudo; otherwise this says exactly what
// to install.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

const NEEDS: { command: string; pkg: string; why: string }[] = [
  {
    command: "nginx",
    pkg: "nginx-light",
    why: "the TLS front door test runs the shipped nginx.conf",
  },
  { command: "ip", pkg: "iproute2", why: "the metadata sidecar test builds network namespaces" },
  {
    command: "unshare",
    pkg: "util-linux",
    why: "the sidecar test runs rootless in a user namespace; the pod test in a mount namespace",
  },
  {
    command: "mount",
    pkg: "mount",
    why: "the pod test binds a ServiceAccount where the kubelet mounts one",
  },
];

function onPath(command: string): boolean {
  const dirs = [...(process.env["PATH"] ?? "").split(delimiter), "/usr/sbin", "/sbin"];
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function run(argv: string[]): boolean {
  const [command = "", ...args] = argv;
  const result = spawnSync(command, args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return result.status === 0;
}

const missing = NEEDS.filter((n) => !onPath(n.command));
if (missing.length > 0) {
  const packages = missing.map((m) => m.pkg);
  const root = process.getuid?.() === 0;
  const prefix = root ? [] : run(["sudo", "-n", "true"]) ? ["sudo", "-n"] : undefined;
  process.stdout.write(`test-host: installing ${packages.join(", ")} with apt-get\n`);
  const installed =
    prefix !== undefined &&
    run([...prefix, "apt-get", "update", "-qq"]) &&
    run([...prefix, "apt-get", "install", "-y", "-qq", ...packages]);
  if (!installed) {
    const reasons = missing.map((m) => `  ${m.pkg}: ${m.why}`).join("\n");
    process.stderr.write(
      `test-host: npm test needs these Debian packages:\n${reasons}\n` +
        `install them once with: sudo apt-get install -y ${packages.join(" ")}\n` +
        "(npm test installs them itself when run as root or with passwordless sudo)\n",
    );
    process.exit(1);
  }
}
