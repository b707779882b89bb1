import { FeatureError } from "../../shared/basics/errors.ts";
import type { Devices, Disk, VirtualMachine, Volume } from "../../shared/kubevirt/types.ts";
import type { Target } from "./devices.ts";
import { HOOK_CONFIGMAP } from "./hook-program.ts";
import { HOOK_SIDECARS, ourSidecar, withOurSidecar } from "./hook-sidecars.ts";
import { ROM_KEY } from "./rom.ts";
import { copyPath } from "../../shared/basics/sharing.ts";

/** The VM volume that brings the ROM ConfigMap into the launcher's compute container. */
export const ROM_VOLUME = "vbios-rom";
/** Where KubeVirt mounts that volume's key for qemu (pkg/config: config-map/<volume>/<key>). */
export const ROM_FILE = `/var/run/kubevirt-private/config-map/${ROM_VOLUME}/${ROM_KEY}`;
/** Template annotation the hook program reads from the VMI: the ROM's path and the target aliases. */
export const ROM_ANNOTATION = "vm-feature-manager.io/vbios-rom";

type Template = NonNullable<NonNullable<VirtualMachine["spec"]>["template"]>;

/** What the VM gets; decided by decide.ts from the VM and the cluster facts. */
export interface Plan {
  configMap: string;
  targets: Target[];
  image?: string;
}

/**
 * The VM giving the ROM to the targets, as a new object sharing what it does not change: the ROM
 * ConfigMap as volume `vbios-rom` with a read-only CD-ROM disk of the same name (KubeVirt mounts a
 * ConfigMap volume for qemu only when a disk uses it), our hook sidecar, and the hook's
 * instructions. Missing parents are created; an existing disk of that name is kept as the user
 * set it.
 */
export function injectRom(vm: Readonly<VirtualMachine>, plan: Plan): VirtualMachine {
  const copy = { ...vm } as VirtualMachine;
  const template = copyPath(copy, "spec", "template") as Template;
  const spec = copyPath(template, "spec") as NonNullable<Template["spec"]>;
  spec.volumes = withRomVolume(spec.volumes ?? [], plan.configMap);
  addRomDisk(copyPath(spec, "domain", "devices") as Devices);
  addHookAnnotations(copyPath(template, "metadata", "annotations") as Record<string, string>, plan);
  return copy;
}

function addRomDisk(devices: Devices): void {
  const disks = devices.disks ?? [];
  if (!disks.some((d) => d.name === ROM_VOLUME)) devices.disks = [...disks, romDisk()];
}

// Template annotations reach the VMI: KubeVirt reads the sidecar list there, the hook its request.
function addHookAnnotations(annotations: Record<string, string>, plan: Plan): void {
  annotations[HOOK_SIDECARS] = withOurSidecar(annotations[HOOK_SIDECARS], ourSidecar(plan.image));
  annotations[ROM_ANNOTATION] = JSON.stringify({
    file: ROM_FILE,
    devices: plan.targets.map((t) => ({ name: t.name, alias: t.alias })),
  });
}

function romDisk(): Disk {
  return { name: ROM_VOLUME, cdrom: { bus: "sata", readonly: true }, serial: ROM_VOLUME };
}

function withRomVolume(volumes: readonly Volume[], configMap: string): Volume[] {
  const clash = volumes.find((v) => v.name === HOOK_CONFIGMAP);
  if (clash) {
    throw new FeatureError(
      `the VM has a volume named ${HOOK_CONFIGMAP}, the name KubeVirt gives the hook program's pod volume`,
      { field: "spec.template.spec.volumes", fix: "rename that volume" },
    );
  }
  const ours = volumes.find((v) => v.name === ROM_VOLUME);
  if (!ours) return [...volumes, { name: ROM_VOLUME, configMap: { name: configMap } }];
  if (!ours.configMap || Object.keys(ours).length !== 2) {
    throw new FeatureError(
      `the VM already has a volume named ${ROM_VOLUME} that is not the ROM's`,
      {
        field: "spec.template.spec.volumes",
        fix: `rename that volume (and its disk): vbios-injection needs the name ${ROM_VOLUME}`,
      },
    );
  }
  // The annotation may now name another ConfigMap; the volume follows it.
  return volumes.map((v) =>
    v === ours ? { ...v, configMap: { ...ours.configMap, name: configMap } } : v,
  );
}
