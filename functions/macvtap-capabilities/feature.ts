import type { Feature, MutationOutcome } from "../../shared/admission/feature.ts";
import { fieldExpectations, quantityFields } from "./fields-schema.generated.ts";
import { validate as validateFields } from "./fields-validator.generated.ts";
import type { Pod } from "../../shared/kube/pod.ts";
import { POD_KIND } from "../../shared/kube/pod.ts";
import { loadFragment } from "../../shared/imds-sidecar/fragment.ts";
import { notLauncherReason } from "../../shared/kubevirt/launcher-pod.ts";
import { macvtapReason } from "./detect.ts";
import { FEATURE, optedOut, TRIGGER } from "./intent.ts";
import { grantMacvtap } from "./mutation.ts";

/**
 * Makes KubeVirt launcher pods that use macvtap privileged, at CREATE only: securityContext cannot
 * change afterwards. It reads nothing from the cluster, so it never loads the Kubernetes client.
 */
export function macvtapCapabilities(): Feature<Pod, undefined> {
  const metadataSidecar = loadFragment().container.name;
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
    reads: [],
    view: () => undefined,
    mutate(pod): MutationOutcome<Pod> {
      const notLauncher = notLauncherReason(pod);
      if (notLauncher) return { skip: notLauncher };
      if (optedOut(pod)) return { skip: "the annotation switches macvtap capabilities off" };
      const reason = macvtapReason(pod);
      if (!reason)
        return {
          skip: "no container asks for a macvtap resource and no CNI annotation mentions macvtap",
        };
      return {
        object: grantMacvtap(pod, metadataSidecar),
        applied: "privileged",
        auditAnnotations: { reason },
      };
    },
  };
}
