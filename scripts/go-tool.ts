// Builds a Go command from a module pinned under tools/<name>/ (go.mod and go.sum, fetched from
// the Go module proxy) once per pin, into the user's cache (outside any clone, so every worktree
// and CI run on the machine share one build); later calls reuse it.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pinsKey } from "./cluster/go-command.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The Go release a go.mod asks for (`go 1.25` -> [1, 25]). */
function wantedGo(goMod: string): [number, number] {
  const match = /^go (\d+)\.(\d+)/m.exec(goMod);
  return [Number(match?.[1] ?? 1), Number(match?.[2] ?? 0)];
}

/** `go version`'s release as [major, minor], or undefined when Go is not installed. */
function installedGo(): [number, number] | undefined {
  try {
    const out = execFileSync("go", ["version"], { encoding: "utf8" });
    const match = /go(\d+)\.(\d+)/.exec(out);
    return match ? [Number(match[1]), Number(match[2])] : undefined;
  } catch {
    return undefined;
  }
}

/** Throws one line naming the tool and the Go it needs when the installed Go cannot build it. */
export function checkGo(tool: string, goMod: string): void {
  const [major, minor] = wantedGo(goMod);
  const found = installedGo();
  const tooOld = found && (found[0] < major || (found[0] === major && found[1] < minor));
  if (!found || tooOld) {
    const have = found ? `Go ${found.join(".")} is installed` : "no go command is on PATH";
    throw new Error(
      `building ${tool} needs Go >= ${major}.${minor} (tools/${tool}/go.mod) and ${have}: install a newer Go`,
    );
  }
}

/**
 * The path of `pkg` (a command in tools/<tool>'s module graph) built for this pin, building it
 * first when this pin has not been built on this machine. Several processes may build at once:
 * each writes its own file and renames it into place.
 */
export function goTool(tool: string, pkg: string, ldflags = ""): string {
  const dir = join(ROOT, "tools", tool);
  const goMod = readFileSync(join(dir, "go.mod"), "utf8");
  const pin = pinsKey(dir, ["go.mod", "go.sum"]);
  const cache = process.env["XDG_CACHE_HOME"] || join(homedir(), ".cache");
  const out = join(cache, "vm-feature-functions", "tools", `${tool}-${pin}`, tool);
  if (existsSync(out)) return out;
  checkGo(tool, goMod);
  mkdirSync(join(out, ".."), { recursive: true });
  const partial = `${out}.${process.pid}`;
  execFileSync(
    "nice",
    ["-n", "10", "go", "build", "-trimpath", `-ldflags=${ldflags}`, "-o", partial, pkg],
    {
      cwd: dir,
      env: { ...process.env, CGO_ENABLED: "0" },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  renameSync(partial, out);
  return out;
}

if (import.meta.main) {
  const [tool, pkg] = process.argv.slice(2);
  if (!tool || !pkg) {
    process.stderr.write("usage: node scripts/go-tool.ts <tool> <package>\n");
    process.exit(2);
  }
  try {
    process.stdout.write(`${goTool(tool, pkg)}\n`);
  } catch (error) {
    process.stderr.write(`go-tool: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
