// `helm template` of the chart, split back into the template files the objects came from.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { helm, kubeVersionArgs } from "../helm.ts";

export const CHART = fileURLToPath(new URL("../../charts/vm-feature-functions", import.meta.url));
export const NAMESPACE = "vm-feature-functions";

/** helm template's output for these `--set`/`-f` arguments, in the chart's namespace. */
export function helmTemplate(args: readonly string[] = [], major: 3 | 4 = 4): string {
  return execFileSync(
    helm(major),
    ["template", NAMESPACE, CHART, "--namespace", NAMESPACE, ...kubeVersionArgs(major), ...args],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 << 20,
    },
  );
}

const SOURCE = /^# Source: [^/]+\/templates\/(.+)$/m;

/**
 * Each template file's objects, in helm's install order, as the YAML text helm wrote (comments
 * kept), keyed by the template's file name.
 */
export function byTemplate(rendered: string): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const doc of rendered.split(/^---\n/m)) {
    const file = SOURCE.exec(doc)?.[1];
    if (!file) continue;
    const body = doc.replace(SOURCE, "").replace(/^\n+/, "").trimEnd();
    if (body === "") continue;
    files.set(file, [...(files.get(file) ?? []), `${body}\n`]);
  }
  return files;
}
