import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import { LABELS } from "../api.ts";
import type { BootNumbers } from "./boot-order.ts";
import { bootNumbers } from "./boot-order.ts";
import { childLabels } from "./child.ts";
import { vmDomain } from "./domain.ts";
import { vmNetworking } from "./networks.ts";
import type { Problem } from "../spec/problems.ts";
import { isProblem } from "../spec/problems.ts";
import { pvcName } from "./pvcs.ts";
import type { ResolvedMachine } from "../spec/resolve.ts";
import { CLOUD_INIT_VOLUME } from "../spec/templates.ts";

type Json = Record<string, unknown>;

/** The VirtualMachine and the NetworkAttachmentDefinitions it names. */
export interface DesiredVm {
  vm: KubeObject;
  attachments: KubeObject[];
}

/** The VirtualMachine a Machine becomes, or why it cannot be built (a missing NetworkConfiguration). */
export function desiredVm(
  machine: ResolvedMachine,
  configurations: Map<string, KubeObject>,
  dataVolumes: ReadonlyMap<string, Json> = new Map(),
): DesiredVm | Problem {
  const boot = bootNumbers(machine);
  const networking = vmNetworking(machine, configurations, boot);
  if (isProblem(networking)) return networking;
  const { disks, volumes } = storage(machine, boot, dataVolumes);
  const devices: Json = {
    disks,
    ...(networking.interfaces.length ? { interfaces: networking.interfaces } : {}),
  };
  const labels = childLabels(machine.name, { [LABELS.template]: machine.template });
  const vm = {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachine",
    metadata: { name: machine.name, namespace: machine.namespace, labels },
    spec: {
      runStrategy: machine.running ? "Always" : "Halted",
      ...(dataVolumes.size ? { dataVolumeTemplates: [...dataVolumes.values()] } : {}),
      template: {
        metadata: { labels: { [LABELS.machine]: machine.name } },
        spec: {
          domain: { ...vmDomain(machine), devices },
          ...(networking.networks.length ? { networks: networking.networks } : {}),
          volumes,
        },
      },
    },
  };
  return { vm, attachments: networking.attachments };
}

/** One disk and one volume per Machine disk (its PVC or its DataVolume), then the cloud-init disk. */
function storage(
  machine: ResolvedMachine,
  boot: BootNumbers,
  dataVolumes: ReadonlyMap<string, Json>,
): { disks: Json[]; volumes: Json[] } {
  const disks: Json[] = machine.disks.map((disk) => ({
    name: disk.name,
    ...(disk.type === "cdrom" ? { cdrom: { bus: "sata" } } : { disk: { bus: "virtio" } }),
    ...(boot.disks.has(disk.name) ? { bootOrder: boot.disks.get(disk.name) } : {}),
  }));
  const volumes: Json[] = machine.disks.map((disk) => {
    const claim = pvcName(machine.name, disk.name);
    return dataVolumes.has(disk.name)
      ? { name: disk.name, dataVolume: { name: claim } }
      : { name: disk.name, persistentVolumeClaim: { claimName: claim } };
  });
  const cloudInit = cloudInitSource(machine);
  if (cloudInit) {
    disks.push({ name: CLOUD_INIT_VOLUME, disk: { bus: "virtio" } });
    volumes.push({ name: CLOUD_INIT_VOLUME, cloudInitNoCloud: cloudInit });
  }
  return { disks, volumes };
}

/**
 * cloud-init NoCloud: inline data, or the Secret by reference (KubeVirt reads its `userdata` or
 * `userData` key in the launcher; the function never copies it).
 */
function cloudInitSource({ cloudInit }: ResolvedMachine): Json | undefined {
  if (!cloudInit) return undefined;
  const source: Json = {
    ...(cloudInit.secretRef ? { secretRef: { name: cloudInit.secretRef.name } } : {}),
    ...(cloudInit.userData !== undefined ? { userData: cloudInit.userData } : {}),
    ...(cloudInit.networkData !== undefined ? { networkData: cloudInit.networkData } : {}),
  };
  return Object.keys(source).length ? source : undefined;
}
