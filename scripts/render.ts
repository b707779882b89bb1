// npm run render [-- --check]
// Writes every manifest the project ships from the one chart, charts/vm-feature-functions:
// knative/ (one file per template, for `kubectl apply -f knative/`), the release manifest, the
// OpenFaaS stack, the Harvester Addon and the values table. `--check` only says which files are
// stale (the tests run it), so no manifest is ever kept by hand.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { renderedFiles, strayKnativeFiles } from "./render/outputs.ts";

/** Writes (or with `check`, only lists) every stale rendered file; returns the stale paths. */
export async function render(check: boolean): Promise<string[]> {
  const rendered = await renderedFiles();
  const stale = strayKnativeFiles(rendered);
  if (!check) for (const path of stale) rmSync(path);
  for (const [path, text] of rendered) {
    const current = (() => {
      try {
        return readFileSync(path, "utf8");
      } catch {
        return undefined;
      }
    })();
    if (current === text) continue;
    stale.push(path);
    if (check) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return stale;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
  try {
    const stale = await render(values.check);
    if (values.check && stale.length) {
      process.stderr.write(`render: stale, run npm run render: ${stale.join(", ")}\n`);
      process.exit(1);
    }
    process.stdout.write(
      values.check ? "render: every file is current\n" : `render: wrote ${stale.length} files\n`,
    );
  } catch (error) {
    process.stderr.write(`render: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
