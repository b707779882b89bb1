// helm, built from the module tools/helm/go.mod pins (scripts/go-tool.ts). `node scripts/helm.ts
// <args>` runs it, so the chart can be linted and rendered without a helm installed.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { goTool } from "./go-tool.ts";

const MODULE = "helm.sh/helm/v4";

/** The helm version tools/helm/go.mod requires, e.g. `v4.3.2`. */
export function helmVersion(): string {
  const goMod = readFileSync(new URL("../tools/helm/go.mod", import.meta.url), "utf8");
  const match = new RegExp(`^require ${MODULE} (v\\S+)`, "m").exec(goMod);
  if (!match?.[1]) throw new Error(`tools/helm/go.mod requires no ${MODULE}`);
  return match[1];
}

/** The path of the helm binary, built on first use; it reports the version it was built from. */
export function helm(): string {
  return goTool(
    "helm",
    `${MODULE}/cmd/helm`,
    `-X ${MODULE}/internal/version.version=${helmVersion()}`,
  );
}

if (import.meta.main) {
  try {
    const result = spawnSync(helm(), process.argv.slice(2), { stdio: "inherit" });
    process.exit(result.status ?? 1);
  } catch (error) {
    process.stderr.write(`helm: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
