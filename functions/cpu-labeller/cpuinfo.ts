import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { FeatureError } from "../../shared/basics/errors.ts";

export type CpuVendor = "intel" | "amd" | "other";
export type Virtualization = "vmx" | "svm" | "none";

export interface CpuFacts {
  vendor: CpuVendor;
  virtualization: Virtualization;
}

const VENDORS: Record<string, CpuVendor> = { GenuineIntel: "intel", AuthenticAMD: "amd" };

/**
 * What /proc/cpuinfo says about the CPU vendor and its hardware virtualization flag. ARM and other
 * architectures have neither `vendor_id` nor `flags` and come out as `other`/`none`.
 */
export function parseCpuinfo(text: string): CpuFacts {
  const fields = fieldsOf(text);
  if (!fields.some(([key]) => key === "processor")) {
    throw new FeatureError(
      "the cpuinfo text has no `processor` entries, so it is not /proc/cpuinfo",
      {
        field: "PROC_ROOT",
        fix: "point PROC_ROOT at a directory whose `cpuinfo` is the node's /proc/cpuinfo (default /proc)",
      },
    );
  }
  const vendorId = fields.find(([key]) => key === "vendor_id")?.[1] ?? "";
  const flagLines = fields
    .filter(([key]) => key === "flags")
    .map(([, value]) => value.split(/\s+/));
  return { vendor: VENDORS[vendorId] ?? "other", virtualization: virtualizationOf(flagLines) };
}

/**
 * A flag counts only when every processor reports it: labelling a node `vmx` sends VMs that need
 * it there, and a wrong guess leaves them unschedulable or failing, so doubt means `none`.
 * Matching whole words keeps `svm_lock` or the `vmx flags` line from passing for the flag itself.
 */
function virtualizationOf(flagLines: string[][]): Virtualization {
  if (flagLines.length === 0) return "none";
  for (const flag of ["vmx", "svm"] as const) {
    if (flagLines.every((flags) => flags.includes(flag))) return flag;
  }
  return "none";
}

/** `key<TAB>: value` lines; keys may contain spaces (`cpu family`, `vmx flags`). */
function fieldsOf(text: string): [string, string][] {
  const fields: [string, string][] = [];
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return fields;
}

/** Reads and parses `<procRoot>/cpuinfo`; a failed read names the path and the setting to fix. */
export async function readCpuinfo(procRoot: string): Promise<CpuFacts> {
  const path = join(procRoot, "cpuinfo");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new FeatureError(`could not read ${path} (${reason})`, {
      field: "PROC_ROOT",
      fix: "leave PROC_ROOT unset (/proc) in the DaemonSet, or point it at a directory holding the node's cpuinfo",
    });
  }
  return parseCpuinfo(text);
}
