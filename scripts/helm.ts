// helm, built from the module tools/helm/go.mod pins (Helm 4; tools/helm3 pins Helm 3, which the
// tests render the chart with too) by scripts/go-tool.ts. `node scripts/helm.ts <args>` runs Helm
// 4, so the chart can be linted and rendered without a helm installed.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { goTool } from "./go-tool.ts";

const TOOLS = { 4: "helm", 3: "helm3" } as const;

/** The helm module and version tools/<dir>/go.mod requires, e.g. `helm.sh/helm/v4` `v4.3.2`. */
export function helmPin(major: 3 | 4 = 4): { module: string; version: string } {
  const goMod = readFileSync(new URL(`../tools/${TOOLS[major]}/go.mod`, import.meta.url), "utf8");
  const match = /^require (helm\.sh\/helm\/v\d) (v\S+)/m.exec(goMod);
  if (!match?.[1] || !match[2]) throw new Error(`tools/${TOOLS[major]}/go.mod requires no helm`);
  return { module: match[1], version: match[2] };
}

/** The path of helm `major`'s binary, built on first use; it reports the version it was built from. */
export function helm(major: 3 | 4 = 4): string {
  const { module, version } = helmPin(major);
  return goTool(
    TOOLS[major],
    `${module}/cmd/helm`,
    `-X ${module}/internal/version.version=${version}`,
  );
}

/**
 * What to add to a Helm 3 template or lint: the Kubernetes version an official Helm 3 build stamps
 * from its client-go (1.<minor of v0.<minor>>); without it this build assumes 1.20, below the
 * chart's kubeVersion. Helm 4 reads its client-go's version itself.
 */
export function kubeVersionArgs(major: 3 | 4): string[] {
  if (major === 4) return [];
  const goMod = readFileSync(new URL("../tools/helm3/go.mod", import.meta.url), "utf8");
  const minor = /^\s*k8s\.io\/client-go v0\.(\d+)\./m.exec(goMod)?.[1];
  if (!minor) throw new Error("tools/helm3/go.mod requires no k8s.io/client-go");
  return ["--kube-version", `1.${minor}.0`];
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
