import type { Container, Pod } from "../../shared/kube/pod.ts";
import { mapContainers } from "../../shared/kube/pod.ts";

/** What a macvtap launcher pod needs on top of `privileged: true`. */
export const MACVTAP_CAPABILITIES = ["DAC_OVERRIDE", "NET_ADMIN", "SYS_RAWIO"] as const;

/**
 * A copy of the pod whose every init container and container is privileged and has the macvtap
 * capabilities added (the ones it has are kept; none is added twice, `CAP_NET_ADMIN` counting as
 * `NET_ADMIN`). The API server refuses `privileged: true` with `allowPrivilegeEscalation: false`
 * (which KubeVirt sets on non-root launcher pods), so that one becomes true.
 *
 * The container named `exempt` (imds-injector's metadata sidecar) is left as it is: it needs only
 * NET_ADMIN and answers the guest, so it must not get the host's devices; and a chain in which
 * this function ran again after the injector would otherwise never settle.
 */
export function grantMacvtap(pod: Readonly<Pod>, exempt?: string): Pod {
  return mapContainers(pod, (container) =>
    container.name === exempt ? container : privileged(container),
  );
}

function privileged(container: Container): Container {
  const context = container.securityContext ?? {};
  const add = [...(context.capabilities?.add ?? [])];
  for (const capability of MACVTAP_CAPABILITIES)
    if (!add.some((had) => sameCapability(had, capability))) add.push(capability);
  const escalation =
    context.allowPrivilegeEscalation === false ? { allowPrivilegeEscalation: true } : {};
  return {
    ...container,
    securityContext: {
      ...context,
      ...escalation,
      privileged: true,
      capabilities: { ...context.capabilities, add },
    },
  };
}

function sameCapability(a: string, b: string): boolean {
  const plain = (c: string): string => c.trim().toUpperCase().replace(/^CAP_/, "");
  return plain(a) === plain(b);
}
