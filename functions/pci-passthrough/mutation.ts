import { hostnameOf, pinToHostname } from "../../shared/kubevirt/affinity.ts";
import { checkDeviceResources, templateSpec, withDevices } from "../../shared/kubevirt/devices.ts";
import type { KubeVirtCr } from "../../shared/kubevirt/kubevirt-cr.ts";
import { requirePermitted } from "../../shared/kubevirt/kubevirt-cr.ts";
import type { Absent } from "../../shared/kube/reader.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import type { Entry } from "./intent.ts";
import { TRIGGER_FIELD } from "./intent.ts";
import type { Plan } from "./resolve.ts";

/**
 * A copy of the VM with one `hostDevices[]` entry per planned device (existing entries kept and
 * reused, never duplicated), pinned to the plan's node. `applied` lists `name=deviceName` of the
 * entries that serve the request, for the tracking annotation.
 */
export function attachHostDevices(
  vm: Readonly<VirtualMachine>,
  entries: readonly Entry[],
  plan: Plan,
  kubevirt: KubeVirtCr | Absent,
): { object: VirtualMachine; applied: string } {
  plan.devices.forEach((device, i) => {
    const entry = entries[i];
    const label = entry?.kind === "address" ? entry.address : device.deviceName;
    requirePermitted(kubevirt, device.deviceName, { entry: label, field: TRIGGER_FIELD });
  });
  const { vm: object, serving } = withDevices(vm, "hostDevices", plan.devices);
  const spec = templateSpec(object);
  if (plan.node) pinToHostname(spec, hostnameOf(plan.node));
  checkDeviceResources(
    spec,
    plan.devices.map((d) => d.deviceName),
  );
  return { object, applied: serving.map((s) => `${s.name}=${s.deviceName}`).join(",") };
}
