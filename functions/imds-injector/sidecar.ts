import type { ContainerList } from "../../shared/kube/pod.ts";
import type { SidecarFragment } from "../../shared/imds-sidecar/fragment.ts";
import { tokenSources } from "../../shared/imds-sidecar/fragment.ts";
import type { ImdsInjectorSettings } from "./settings.ts";
import { cloneJson } from "../../shared/admission/patch.ts";
import { deepFreeze } from "../../shared/admission/sharing.ts";

/** The sidecar ready to add: the fragment with the settings applied, and where it goes. */
export interface Sidecar extends SidecarFragment {
  list: ContainerList;
}

/**
 * The fragment with the image, the token's audience and expiry from the settings. In `regular`
 * mode (clusters older than 1.29) the sidecar is a plain container: without restartPolicy, which
 * only init containers may carry, and, in a launcher pod (restartPolicy Never), never restarted.
 * Frozen: every answer shares it (the diff copies what it adds to the patch).
 */
export function buildSidecar(fragment: SidecarFragment, settings: ImdsInjectorSettings): Sidecar {
  const copy = cloneJson(fragment);
  copy.container.image = settings.image;
  for (const token of tokenSources(copy)) {
    token.audience = settings.audience;
    token.expirationSeconds = settings.expirationSeconds;
  }
  if (settings.mode === "regular") {
    delete copy.container.restartPolicy;
    return deepFreeze({ ...copy, list: "containers" });
  }
  return deepFreeze({ ...copy, list: "initContainers" });
}
