import { FeatureError } from "../../shared/basics/errors.ts";
import { copyPath } from "../../shared/basics/sharing.ts";
import type { CpuFeature, VirtualMachine } from "../../shared/kubevirt/types.ts";

export type Flag = "vmx" | "svm";

const FEATURES_FIELD = "spec.template.spec.domain.cpu.features";
const OTHER: Record<Flag, Flag> = { vmx: "svm", svm: "vmx" };

export function cpuFeatures(vm: Readonly<VirtualMachine>): readonly CpuFeature[] {
  return vm.spec?.template?.spec?.domain?.cpu?.features ?? [];
}

/** The vendor flag the VM already asks the scheduler for, if any (require, force or no policy). */
export function requiredFlag(vm: Readonly<VirtualMachine>): Flag | undefined {
  const wanted = cpuFeatures(vm).find(
    (f) =>
      (f.name === "vmx" || f.name === "svm") && ["require", "force", undefined].includes(f.policy),
  );
  return wanted?.name as Flag | undefined;
}

/**
 * The VM requiring `flag` (a new object sharing what it does not change), creating missing
 * parents and keeping other features.
 * An entry that disables or forbids the flag, or one that requires the other vendor's flag, is a
 * choice the user made: report it rather than overwrite it.
 */
export function requireFlag(vm: Readonly<VirtualMachine>, flag: Flag): VirtualMachine {
  const features = cpuFeatures(vm);
  const own = features.find((f) => f.name === flag);
  if (own?.policy === "disable" || own?.policy === "forbid") {
    throw new FeatureError(
      `the VM already sets ${flag} to policy ${own.policy}, which contradicts nested virtualization`,
      {
        field: FEATURES_FIELD,
        fix: `remove the ${flag} entry or set the annotation to disabled`,
      },
    );
  }
  if (requiredFlag(vm) === OTHER[flag]) {
    throw new FeatureError(
      `the VM already requires ${OTHER[flag]}, so it cannot also require ${flag}`,
      {
        field: FEATURES_FIELD,
        fix: `set the annotation to ${OTHER[flag]}, or remove the ${OTHER[flag]} entry`,
      },
    );
  }
  if (own) return vm as VirtualMachine;
  return withFeatures(vm, [...features, { name: flag, policy: "require" }]);
}

function withFeatures(vm: Readonly<VirtualMachine>, features: CpuFeature[]): VirtualMachine {
  const copy = { ...vm } as VirtualMachine;
  const domain = copyPath(copy, "spec", "template", "spec", "domain");
  domain["cpu"] = { ...(domain["cpu"] as object | undefined), features };
  return copy;
}
