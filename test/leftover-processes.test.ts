import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The suite's own setting, so this runs the fixture as `npm test` runs every file.
const { exit } = JSON.parse(readFileSync(".mocharc.json", "utf8")) as { exit?: boolean };

// A killed process stays a zombie where PID 1 does not reap (as in this sandbox): that is not running.
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

describe("a test run whose setup fails", function () {
  this.timeout(60_000);

  it("should fail and exit, leaving no function process behind", () => {
    const dir = mkdtempSync(join(tmpdir(), "leftover-"));
    const pidFile = join(dir, "pid");
    try {
      const run = spawnSync(
        process.execPath,
        [
          "node_modules/.bin/mocha",
          "--no-config",
          "--extension",
          "ts",
          ...(exit === true ? ["--exit"] : []),
          "test/fixtures/failing-before-all.ts",
        ],
        { env: { ...process.env, PID_FILE: pidFile }, encoding: "utf8", timeout: 45_000 },
      );
      expect(run.signal, "mocha still running after 45 s").to.equal(null);
      expect(run.status).to.equal(1);
      expect(running(Number(readFileSync(pidFile, "utf8")))).to.equal(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
