import { FeatureError } from "../../shared/basics/errors.ts";
import { RESOURCE_NAME_FORM, resourceNameProblem } from "../../shared/kubevirt/resource-name.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";

export const FEATURE = "gpu-device-plugin";
export const TRIGGER = "vm-feature-manager.io/gpu-device-plugin";
export const TRIGGER_FIELD = `metadata.annotations["${TRIGGER}"]`;

/** One resource served by a device plugin, and how many of its devices the VM gets. */
export interface GpuRequest {
  resourceName: string;
  count: number;
}

export type Intent = { ask: "absent" } | { ask: "attach"; requests: GpuRequest[] };

const FORM = `a resource name (${RESOURCE_NAME_FORM}) with an optional count, e.g. nvidia.com/GA102GL_A10=2, or a comma-separated list of them`;

/** `name[=count]`, comma-separated; each name once; at most `maxDevices` devices in all. */
export function readIntent(vm: Readonly<VirtualMachine>, maxDevices: number): Intent {
  const raw = vm.metadata?.annotations?.[TRIGGER];
  if (raw === undefined) return { ask: "absent" };
  if (raw.trim() === "") refuse("is empty", `write ${FORM}`);
  const parts = raw.split(",");
  const requests = parts.map((part, i) => parseRequest(part.trim(), parts.length > 1 ? i : -1));
  const names = new Set<string>();
  for (const { resourceName } of requests) {
    if (names.has(resourceName))
      refuse(`lists ${resourceName} twice`, `list it once, with a count: ${resourceName}=2`);
    names.add(resourceName);
  }
  const total = requests.reduce((sum, r) => sum + r.count, 0);
  if (total > maxDevices) {
    refuse(
      `asks for ${total} GPUs, more than the ${maxDevices} allowed per VM`,
      "ask for fewer, or raise GPU_MAX_DEVICES in the function's settings",
    );
  }
  return { ask: "attach", requests };
}

function parseRequest(part: string, index: number): GpuRequest {
  const where = index >= 0 ? `entry ${index + 1} ` : "";
  if (part === "") refuse(`${where}is empty`, "remove the extra comma, or name a resource there");
  const equals = part.indexOf("=");
  const resourceName = (equals < 0 ? part : part.slice(0, equals)).trim();
  const countText = equals < 0 ? "1" : part.slice(equals + 1).trim();
  const problem = resourceNameProblem(resourceName);
  if (problem) refuse(`${where}${problem}`, `write ${FORM}`);
  if (!/^[1-9][0-9]*$/.test(countText)) {
    refuse(
      `${where}gives ${resourceName} the count "${countText}", which is not a positive whole number`,
      `write ${resourceName}=<count> with a count of 1 or more, or leave "=<count>" out for one`,
    );
  }
  return { resourceName, count: Number(countText) };
}

function refuse(what: string, fix: string): never {
  throw new FeatureError(`the annotation ${what}`, { field: TRIGGER_FIELD, fix });
}
