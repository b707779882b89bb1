import type { ContainerList } from "../../shared/kube/pod.ts";
import type { SidecarFragment } from "../../shared/imds-sidecar/fragment.ts";
import { tokenSources } from "../../shared/imds-sidecar/fragment.ts";
import type { ImdsInjectorSettings } from "./settings.ts";
import { cloneJson } from "../../shared/admission/patch.ts";
import { deepFreeze } from "../../shared/basics/sharing.ts";
import { guaranteedResources } from "./resources.ts";

/** The sidecar ready to add: the fragment with the settings applied, and where it goes. */
export interface Sidecar extends SidecarFragment {
  list: ContainerList;
  /** The container as a Guaranteed pod gets it: requests equal to limits. */
  guaranteedContainer: SidecarFragment["container"];
}

/**
 * The fragment with the image, the token's audience and expiry from the settings. In `regular`
 * mode (clusters older than 1.29) the sidecar is a plain container: without restartPolicy, which
 * only init containers may carry, and, in a launcher pod (restartPolicy Never), never restarted.
 * Frozen, the Guaranteed pod's variant included: every answer shares it, and the diff and the
 * patch's text take frozen JSON as it is (shared/admission/patch.ts).
 */
export function buildSidecar(fragment: SidecarFragment, settings: ImdsInjectorSettings): Sidecar {
  const copy = cloneJson(fragment);
  copy.container.image = settings.image;
  for (const token of tokenSources(copy)) {
    token.audience = settings.audience;
    token.expirationSeconds = settings.expirationSeconds;
  }
  if (settings.mode === "regular") delete copy.container.restartPolicy;
  return deepFreeze({
    ...copy,
    list: settings.mode === "regular" ? "containers" : "initContainers",
    guaranteedContainer: { ...copy.container, resources: guaranteedResources(copy.container) },
  });
}
