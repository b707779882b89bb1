import type { Observed } from "../hooks/observed.ts";
import type { Problem } from "./problems.ts";
import { problem } from "./problems.ts";
import { pvcName } from "../children/pvcs.ts";
import type { ResolvedDisk } from "./disk-specs.ts";
import type { ResolvedMachine } from "./resolve.ts";
import { DEFAULT_CLASS_ANNOTATION } from "./templates.ts";

/**
 * The objects the Machine names must exist: the StorageClass of every disk whose PVC is still to
 * be created (an existing PVC no longer needs its class), and the cloud-init Secret with its key.
 */
export function missingReference(
  machine: ResolvedMachine,
  observed: Observed,
): Problem | undefined {
  for (const disk of machine.disks) {
    const name = pvcName(machine.name, disk.name);
    if (observed.pvcs.has(name) || observed.dataVolumes.has(name)) continue;
    const missing = missingClass(disk, observed);
    if (missing) return missing;
  }
  return missingSecret(machine, observed);
}

function missingClass(disk: ResolvedDisk, observed: Observed): Problem | undefined {
  const field = disk.fields.storageClass;
  if (disk.storageClass === undefined) {
    if (observed.defaultStorageClass !== undefined) return undefined;
    return problem(
      "StorageReady",
      "StorageClassNotFound",
      `disk ${disk.name} names no StorageClass and the cluster marks none as default`,
      {
        field,
        fix: `name a class in spec.disks[] (kubectl get storageclasses), or mark one default: kubectl annotate storageclass <name> ${DEFAULT_CLASS_ANNOTATION}=true`,
      },
    );
  }
  if (observed.storageClasses.has(disk.storageClass)) return undefined;
  return problem(
    "StorageReady",
    "StorageClassNotFound",
    `StorageClass ${disk.storageClass} of disk ${disk.name} does not exist`,
    { field, fix: "name an existing StorageClass (kubectl get storageclasses), or create it" },
  );
}

function missingSecret(machine: ResolvedMachine, observed: Observed): Problem | undefined {
  const ref = machine.cloudInit?.secretRef;
  if (!ref) return undefined;
  const key = ref.key ?? "userdata";
  const secret = observed.secrets.get(ref.name);
  const where = `Secret ${machine.namespace}/${ref.name}`;
  if (!secret) {
    return problem("VirtualMachineReady", "CloudInitSecretNotFound", `${where} does not exist`, {
      field: "spec.cloudInit.secretRef.name",
      fix: `create it with the user data under the key ${key}`,
    });
  }
  const data = (secret["data"] ?? {}) as Record<string, unknown>;
  if (key in data) return undefined;
  return problem("VirtualMachineReady", "CloudInitSecretNotFound", `${where} has no key ${key}`, {
    field: "spec.cloudInit.secretRef.key",
    fix: `put the user data under ${key} (KubeVirt reads userdata or userData)`,
  });
}
