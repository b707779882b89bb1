import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { FeatureError } from "../../shared/basics/errors.ts";
import type { Virtualization } from "./cpuinfo.ts";

/** The KVM module that runs guests on each virtualization flag; without a flag there is none. */
const MODULE: Record<Virtualization, string | undefined> = {
  vmx: "kvm_intel",
  svm: "kvm_amd",
  none: undefined,
};

/**
 * kvm_intel prints its `nested` bool as `Y`/`N`, kvm_amd its int as `1`/`0`. No file means the
 * module is not loaded, so the host cannot run nested guests now. Anything else is read as off:
 * a node wrongly labelled nested draws VMs it cannot start.
 */
export function interpretNested(text: string | undefined): boolean {
  const value = text?.trim();
  return value === "Y" || value === "1";
}

/** The sysfs file that holds the nested parameter for this flag, if any module provides it. */
export function nestedParameterPath(
  sysRoot: string,
  virtualization: Virtualization,
): string | undefined {
  const module = MODULE[virtualization];
  return module === undefined ? undefined : join(sysRoot, "module", module, "parameters", "nested");
}

/** Whether KVM nesting is on, read from `<sysRoot>/module/kvm_{intel,amd}/parameters/nested`. */
export async function readNested(
  sysRoot: string,
  virtualization: Virtualization,
): Promise<boolean> {
  const path = nestedParameterPath(sysRoot, virtualization);
  if (path === undefined) return false;
  try {
    return interpretNested(await readFile(path, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return interpretNested(undefined);
    // Unreadable is not the same as off: publish nothing rather than a guess.
    throw new FeatureError(`could not read ${path} (${code ?? String(error)})`, {
      field: "SYS_ROOT",
      fix: "mount the node's /sys/module readable (it is in a plain container) or point SYS_ROOT at it",
    });
  }
}
