import type { ResolvedMachine } from "../spec/resolve.ts";
import { ROOT_DISK } from "../spec/templates.ts";

/** KubeVirt's boot order numbers (1 first): per disk name, and for the first interface. */
export interface BootNumbers {
  disks: Map<string, number>;
  firstInterface?: number;
}

/**
 * `spec.bootOrder` as KubeVirt numbers it: `disk` is the root disk, `network` the first
 * interface, `cdrom` every cdrom disk in order. Without a boot order nothing is numbered and
 * KubeVirt boots from the disks in order; with one, devices left out are not tried.
 */
export function bootNumbers(machine: ResolvedMachine): BootNumbers {
  const numbers: BootNumbers = { disks: new Map() };
  let next = 1;
  for (const device of machine.bootOrder) {
    if (device === "disk") numbers.disks.set(ROOT_DISK, next++);
    if (device === "network") numbers.firstInterface = next++;
    if (device !== "cdrom") continue;
    for (const disk of machine.disks.filter((d) => d.type === "cdrom"))
      numbers.disks.set(disk.name, next++);
  }
  return numbers;
}
