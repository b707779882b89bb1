// npm run bench: runs every benchmark in scripts/bench/ that is a runnable bench (not a helper
// module), one after another, each printing JSON lines.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const HELPERS = new Set(["load.ts", "baseline.ts"]);
const dir = fileURLToPath(new URL("./bench/", import.meta.url));
let failed = false;
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !HELPERS.has(f))
  .sort()) {
  process.stdout.write(`# ${file}\n`);
  const run = spawnSync(process.execPath, [`${dir}${file}`], { stdio: "inherit" });
  failed ||= run.status !== 0;
}
process.exit(failed ? 1 : 0);
