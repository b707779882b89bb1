// The chart rendered by the helm the test setup builds (scripts/helm.ts), as parsed objects.
import { spawnSync } from "node:child_process";
import { parseAllDocuments } from "yaml";
import { helm } from "../../scripts/helm.ts";
import { CHART, helmTemplate, NAMESPACE } from "../../scripts/render/helm-template.ts";
import type { Doc } from "./manifests.ts";

/** Building helm takes minutes the first time on this machine; later runs reuse the binary. */
export const HELM_BUILD_TIMEOUT_MS = 20 * 60_000;

/** The chart's objects for these helm arguments (`--set`, `-f`). */
export function renderChart(...args: string[]): Doc[] {
  return renderChartWith(4, ...args);
}

/** The chart's objects as helm `major` renders them. */
export function renderChartWith(major: 3 | 4, ...args: string[]): Doc[] {
  return parseAllDocuments(helmTemplate(args, major))
    .map((d) => d.toJS() as Doc | null)
    .filter((d): d is Doc => d?.kind !== undefined);
}

/** What helm prints when it refuses these arguments; throws when it renders them. */
export function chartError(...args: string[]): string {
  const result = spawnSync(helm(), ["template", NAMESPACE, CHART, "-n", NAMESPACE, ...args], {
    encoding: "utf8",
  });
  if (result.status === 0) throw new Error(`helm rendered ${args.join(" ")} without an error`);
  return result.stderr;
}

/** Runs helm (4, or `major`) with these arguments; returns its exit status and output. */
export function runHelm(...args: string[]): { status: number; output: string } {
  return runHelmWith(4, ...args);
}

export function runHelmWith(major: 3 | 4, ...args: string[]): { status: number; output: string } {
  const result = spawnSync(helm(major), args, { encoding: "utf8" });
  return { status: result.status ?? 1, output: result.stdout + result.stderr };
}

/** The objects of `kind` (and `name`, when given). */
export const ofKind = (docs: readonly Doc[], kind: string, name?: string): Doc[] =>
  docs.filter((d) => d.kind === kind && (name === undefined || d.metadata?.name === name));

/** A function's values block in the chart: its name in camelCase (nested-virt: nestedVirt). */
export function valuesKey(name: string): string {
  return name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
}
