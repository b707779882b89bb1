import { isDeepStrictEqual } from "node:util";
import { FeatureError } from "../../shared/basics/errors.ts";
import { HOOK_CONFIGMAP, HOOK_KEY, HOOK_PATH } from "./hook-program.ts";

/** KubeVirt's annotation (VMI metadata, so the VM template's) listing the launcher's hook sidecars. */
export const HOOK_SIDECARS = "hooks.kubevirt.io/hookSidecars";

/** One entry, with KubeVirt v1.9's field names (pkg/hooks/hooks.go HookSidecar). */
export interface HookSidecar {
  image?: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  configMap?: { name: string; key: string; hookPath: string };
  pvc?: { name: string; volumePath: string; sharedComputePath?: string };
  [key: string]: unknown;
}

/**
 * Our entry: the shim's only flag is --version (an unknown one makes it exit), the program comes
 * from the hook ConfigMap, and without `image` KubeVirt runs its own sidecar-shim of its version.
 */
export function ourSidecar(image: string | undefined): HookSidecar {
  return {
    ...(image ? { image } : {}),
    args: ["--version", "v1alpha2"],
    configMap: { name: HOOK_CONFIGMAP, key: HOOK_KEY, hookPath: HOOK_PATH },
  };
}

const isOurs = (entry: HookSidecar): boolean => entry.configMap?.name === HOOK_CONFIGMAP;

/**
 * The annotation's value with our entry in it: others kept as they are and in their order, ours
 * appended (virt-launcher calls the hooks in the order of their containers, so ours sees the
 * others' changes), or replaced where it already is. Unchanged text when ours is already right.
 */
export function withOurSidecar(raw: string | undefined, ours: HookSidecar): string {
  const entries = parse(raw);
  const at = entries.findIndex(isOurs);
  const once = entries.filter(isOurs).length === 1;
  if (once && isDeepStrictEqual(entries[at], ours) && raw !== undefined) return raw;
  const kept = entries.filter((e, i) => !isOurs(e) || i === at);
  return JSON.stringify(at >= 0 ? kept.map((e) => (isOurs(e) ? ours : e)) : [...kept, ours]);
}

function parse(raw: string | undefined): HookSidecar[] {
  if (raw === undefined || raw.trim() === "") return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw invalid(`is not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value)) throw invalid("is not a JSON array");
  if (!value.every((e) => typeof e === "object" && e !== null && !Array.isArray(e)))
    throw invalid("holds an entry that is not an object");
  return value as HookSidecar[];
}

function invalid(what: string): FeatureError {
  return new FeatureError(`the VM's ${HOOK_SIDECARS} annotation ${what}`, {
    field: `spec.template.metadata.annotations["${HOOK_SIDECARS}"]`,
    fix: "make it a JSON array of hook sidecar objects, as KubeVirt reads it (or remove it)",
  });
}
