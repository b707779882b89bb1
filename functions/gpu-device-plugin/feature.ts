import { FeatureError } from "../../shared/basics/errors.ts";
import { fieldExpectations, quantityFields } from "./fields-schema.generated.ts";
import { validate as validateFields } from "./fields-validator.generated.ts";
import type { Feature, MutationOutcome } from "../../shared/admission/feature.ts";
import { KUBEVIRT } from "../../shared/kube/kinds.ts";
import type { Absent } from "../../shared/kube/reader.ts";
import { ABSENT } from "../../shared/kube/reader.ts";
import type { KubeVirtCr } from "../../shared/kubevirt/kubevirt-cr.ts";
import { readKubeVirt, requirePermitted } from "../../shared/kubevirt/kubevirt-cr.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import { VIRTUAL_MACHINE_KIND } from "../../shared/kubevirt/types.ts";
import type { GpuRequest } from "./intent.ts";
import { FEATURE, readIntent, TRIGGER, TRIGGER_FIELD } from "./intent.ts";
import { attachGpus, limitGpus } from "./mutation.ts";
import type { GpuSettings } from "./settings.ts";
import { gpuSettingsFromEnv, pluginAllowed } from "./settings.ts";
import type { MaybePromise } from "../../shared/runtime/maybe-promise.ts";
import { andThen } from "../../shared/runtime/maybe-promise.ts";

export interface GpuView {
  /** Read only in `gpus` mode, where the CR's permitted devices decide what KubeVirt starts. */
  kubevirt?: KubeVirtCr | Absent;
}

export const RESOURCE_LIMIT_WARNING =
  "GPU_MODE=resource-limit reserves the GPUs for the VM's pod but attaches none to the guest; the guest sees them only through domain.devices.gpus (GPU_MODE=gpus)";

export function gpuDevicePlugin(
  options: { settings?: GpuSettings } = {},
): Feature<VirtualMachine, GpuView> {
  const settings = options.settings ?? gpuSettingsFromEnv();
  return {
    name: FEATURE,
    kinds: [VIRTUAL_MACHINE_KIND],
    operations: ["CREATE", "UPDATE"],
    triggerAnnotation: TRIGGER,
    fields: {
      validate: validateFields,
      expectations: fieldExpectations,
      quantities: quantityFields,
    },
    reads: [KUBEVIRT],
    view(vm, _request, cluster, signal): MaybePromise<GpuView> {
      if (readIntent(vm, settings.maxDevices).ask === "absent" || settings.mode !== "gpus")
        return {};
      return andThen(readKubeVirt(cluster, signal), (kubevirt) => ({ kubevirt }));
    },
    mutate(vm, _request, view): MutationOutcome<VirtualMachine> {
      const intent = readIntent(vm, settings.maxDevices);
      if (intent.ask === "absent") return { skip: "the VM does not ask for GPUs" };
      for (const request of intent.requests) requireAllowed(settings, request);
      if (settings.mode === "resource-limit")
        return { ...limitGpus(vm, intent.requests), warnings: [RESOURCE_LIMIT_WARNING] };
      for (const { resourceName } of intent.requests)
        requirePermitted(view.kubevirt ?? ABSENT, resourceName, {
          entry: resourceName,
          field: TRIGGER_FIELD,
        });
      return attachGpus(vm, intent.requests);
    },
  };
}

function requireAllowed(settings: GpuSettings, { resourceName }: GpuRequest): void {
  if (pluginAllowed(settings.allowed, resourceName)) return;
  throw new FeatureError(
    `${resourceName} is not among the device plugins this cluster allows (GPU_ALLOWED_PLUGINS: ${(settings.allowed ?? []).join(", ")})`,
    {
      field: TRIGGER_FIELD,
      fix: "ask for an allowed resource, or have the cluster admin add it to GPU_ALLOWED_PLUGINS",
    },
  );
}
