// Runs the metadata sidecar's network-namespace test (test/imds-netns.test.ts). As root it runs
// as it is. Otherwise it runs inside a new user, network and mount namespace (`unshare -Urnm`),
// where the test is root over namespaces of its own and a private /run holds `ip netns`' mounts:
// nothing on the host changes, and no sudo is needed.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const mocha = ["node_modules/.bin/mocha", "--no-config", "--extension", "ts", "--timeout", "20000"];
const spec = "test/imds-netns.test.ts";
const root = process.getuid?.() === 0;
const argv = root
  ? [process.execPath, ...mocha, spec]
  : [
      "unshare",
      "-Urnm",
      "--propagation",
      "private",
      "sh",
      "-c",
      `mount -t tmpfs tmpfs /run && exec "${process.execPath}" ${mocha.join(" ")} ${spec}`,
    ];
const [command = "", ...args] = argv;
const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit" });
if (result.error) {
  process.stderr.write(`test-netns: could not start ${command}: ${result.error.message}\n`);
  process.exit(1);
}
process.exit(result.status ?? 1);
