// Runs the go command for the CRD builders: niced (the machine's cores are shared), output kept,
// and a failure told in one line with go's own last words.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { setPriority } from "node:os";
import { join } from "node:path";

/** stdout of `go <args>` run in `cwd`, niced; throws `<what> failed: <go's last stderr lines>`. */
export function go(args: readonly string[], cwd: string, what: string): Promise<string> {
  return run("go", args, cwd, what);
}

/** stdout of a program, niced; throws `<what> failed: <its last stderr lines>`. */
export function run(
  program: string,
  args: readonly string[],
  cwd: string,
  what: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const options = {
      cwd,
      env: { ...process.env, CGO_ENABLED: "0" },
      maxBuffer: 512 * 1024 * 1024,
    };
    const child = execFile(program, args, options, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === "ENOENT")
        return reject(new Error(`${what} failed: ${program} is not on PATH${hint(program)}`));
      const last = stderr.trim().split("\n").slice(-3).join(" | ");
      reject(new Error(`${what} failed: ${last || error.message}`));
    });
    // Its compilers inherit the priority: other work on the machine goes first.
    try {
      if (child.pid !== undefined) setPriority(child.pid, 10);
    } catch {
      // already gone: nothing left to lower
    }
  });
}

const hint = (program: string): string =>
  program === "go" ? " (install Go 1.26 or newer: https://go.dev/dl)" : "";

/** A short hash of a wrapper module's files: the cache key of what is built from its pins. */
export function pinsKey(dir: string, files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of files) hash.update(readFileSync(join(dir, file)));
  return hash.digest("hex").slice(0, 16);
}
