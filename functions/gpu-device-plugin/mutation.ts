import { FeatureError } from "../../shared/basics/errors.ts";
import type { WantedDevice } from "../../shared/kubevirt/devices.ts";
import { checkDeviceResources, templateSpec, withDevices } from "../../shared/kubevirt/devices.ts";
import { resourceEntryName } from "../../shared/kubevirt/resource-name.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import type { GpuRequest } from "./intent.ts";
import { copyPath } from "../../shared/basics/sharing.ts";
import type { QuantityInput } from "../../shared/kube/quantity.ts";
import { sameQuantity } from "../../shared/kube/quantity.ts";

/**
 * A copy of the VM whose `domain.devices.gpus` serves every request: `count` entries named
 * `<resource>-1..n` (existing entries of the resource count towards it, none is duplicated).
 * `applied` lists `name=deviceName` of the entries that serve the request.
 */
export function attachGpus(
  vm: Readonly<VirtualMachine>,
  requests: readonly GpuRequest[],
): { object: VirtualMachine; applied: string } {
  const wanted: WantedDevice[] = requests.flatMap(({ resourceName, count }) =>
    Array.from({ length: count }, (_, i) => ({
      name: resourceEntryName(resourceName, i + 1),
      deviceName: resourceName,
    })),
  );
  const { vm: object, serving } = withDevices(vm, "gpus", wanted);
  checkDeviceResources(
    templateSpec(object),
    requests.map((r) => r.resourceName),
  );
  return { object, applied: serving.map((s) => `${s.name}=${s.deviceName}`).join(",") };
}

/**
 * `GPU_MODE=resource-limit`: the older behaviour, for device plugins that serve containers. The
 * limit reserves the devices for the launcher pod; the guest gets none of them, because no
 * `gpus`/`hostDevices` entry attaches them.
 */
export function limitGpus(
  vm: Readonly<VirtualMachine>,
  requests: readonly GpuRequest[],
): { object: VirtualMachine; applied: string } {
  const object = { ...vm } as VirtualMachine;
  const resources = copyPath(object, "spec", "template", "spec", "domain", "resources") as {
    requests?: Record<string, unknown>;
  };
  const limits = copyPath(resources, "limits");
  for (const { resourceName, count } of requests) {
    const want = String(count);
    for (const [kind, values] of [
      ["limits", limits],
      ["requests", resources.requests ?? {}],
    ] as const) {
      const have = values[resourceName];
      if (have !== undefined && !sameQuantity(have as QuantityInput, want))
        throw new FeatureError(
          `the VM already sets ${kind}["${resourceName}"] to ${JSON.stringify(have)}, but the annotation asks for ${want}`,
          {
            field: `spec.template.spec.domain.resources.${kind}`,
            fix: `make them agree: change the annotation to ${resourceName}=${String(have)}, or remove the VM's own value`,
          },
        );
    }
    limits[resourceName] = want;
  }
  const applied = requests.map((r) => `limit ${r.resourceName}=${r.count}`);
  return { object, applied: applied.join(",") };
}
