import type { Feature, MutationOutcome } from "../../shared/admission/feature.ts";
import { fieldExpectations, quantityFields } from "./fields-schema.generated.ts";
import { validate as validateFields } from "./fields-validator.generated.ts";
import { VIRTUAL_MACHINE_INSTANCE } from "../../shared/kube/kinds.ts";
import type { Pod } from "../../shared/kube/pod.ts";
import { POD_KIND } from "../../shared/kube/pod.ts";
import type { Absent } from "../../shared/kube/reader.ts";
import type { VirtualMachineInstance } from "../../shared/kubevirt/types.ts";
import type { DecideContext } from "./decide.ts";
import { decide } from "./decide.ts";
import type { SidecarFragment } from "../../shared/imds-sidecar/fragment.ts";
import { loadFragment } from "../../shared/imds-sidecar/fragment.ts";
import { FEATURE, TRIGGER } from "./intent.ts";
import { inject } from "./mutation.ts";
import type { ImdsInjectorSettings } from "./settings.ts";
import { imdsInjectorSettingsFromEnv } from "./settings.ts";
import { buildSidecar } from "./sidecar.ts";
import type { MaybePromise } from "../../shared/runtime/maybe-promise.ts";
import { andThen } from "../../shared/runtime/maybe-promise.ts";

export interface ImdsView {
  vmi?: VirtualMachineInstance | Absent;
}

export interface ImdsInjectorOptions {
  /** Defaults to functions/imds-server/sidecar.yaml. */
  fragment?: SidecarFragment;
  settings?: ImdsInjectorSettings;
}

/**
 * Adds the instance-metadata sidecar to launcher pods that ask for it, at CREATE, when the VM's
 * pod network has the bridge the sidecar joins (the VMI is read to know).
 */
export function imdsInjector(options: ImdsInjectorOptions = {}): Feature<Pod, ImdsView> {
  const fragment = options.fragment ?? loadFragment();
  const settings = options.settings ?? imdsInjectorSettingsFromEnv(fragment);
  const sidecar = buildSidecar(fragment, settings);
  const context = (namespace: string, view: ImdsView): DecideContext => ({
    namespace,
    sidecarName: sidecar.container.name,
    ...view,
  });
  return {
    name: FEATURE,
    kinds: [POD_KIND],
    operations: ["CREATE"],
    triggerAnnotation: TRIGGER,
    fields: {
      validate: validateFields,
      expectations: fieldExpectations,
      quantities: quantityFields,
    },
    reads: [VIRTUAL_MACHINE_INSTANCE],
    view(pod, request, cluster, signal): MaybePromise<ImdsView> {
      const decision = decide(pod, context(request.namespace, {}));
      if (decision.next !== "read-vmi") return {};
      const vmi = cluster.get(VIRTUAL_MACHINE_INSTANCE, request.namespace, decision.name, signal);
      return andThen(vmi, (found) => ({ vmi: found as VirtualMachineInstance | Absent }));
    },
    mutate(pod, request, view): MutationOutcome<Pod> {
      const decision = decide(pod, context(request.namespace, view));
      if (decision.next === "read-vmi") return { skip: "the VirtualMachineInstance was not read" };
      if (decision.next === "skip")
        return {
          skip: decision.reason,
          ...(decision.warning ? { warnings: [decision.warning] } : {}),
        };
      return {
        object: inject(pod, sidecar),
        applied: `${settings.mode}-sidecar`,
        auditAnnotations: { reason: decision.reason },
      };
    },
  };
}
