import type { VmiInterface, VmiNetwork, VmiSpec } from "../../shared/kubevirt/types.ts";

/** How the VM reaches the pod network, when the metadata sidecar can join it, or why not. */
export type PodNetworkBinding =
  | { supported: true; binding: "masquerade" | "bridge"; network: string }
  | { supported: false; reason: string };

/**
 * The binding of the interface on the VM's pod network, read as KubeVirt reads it
 * (pkg/network/vmispec: LookUpDefaultNetwork, the interface of the same name). The pod network is
 * the `pod: {}` network, or a Multus network with `default: true` that replaces it. Only
 * masquerade and bridge build the `k6t-*` bridge the sidecar joins.
 */
export function podNetworkBinding(spec: Readonly<VmiSpec> | undefined): PodNetworkBinding {
  const networks = spec?.networks ?? [];
  const network = networks.find(isPodNetwork);
  if (!network) return { supported: false, reason: noPodNetwork(networks) };
  const iface = interfaceOf(spec, network.name);
  if (!iface)
    return {
      supported: false,
      reason: `no interface is attached to the pod network "${network.name}"`,
    };
  const other = unsupportedBinding(iface);
  if (other)
    return {
      supported: false,
      reason: `the pod network's interface "${iface.name}" uses ${other}, which has no k6t-* bridge for the sidecar`,
    };
  return {
    supported: true,
    binding: iface.masquerade ? "masquerade" : "bridge",
    network: network.name,
  };
}

function interfaceOf(spec: Readonly<VmiSpec> | undefined, name: string): VmiInterface | undefined {
  return (spec?.domain?.devices?.interfaces ?? []).find((i) => i.name === name);
}

function isPodNetwork(network: Readonly<VmiNetwork>): boolean {
  return network.pod !== undefined || network.multus?.default === true;
}

function noPodNetwork(networks: readonly VmiNetwork[]): string {
  return networks.length
    ? `the VM has only Multus networks (${networks.map((n) => n.name).join(", ")}) and no pod network`
    : "the VM has no network";
}

// KubeVirt's API documents bridge as the default binding; current KubeVirt requires exactly one.
function unsupportedBinding(iface: Readonly<VmiInterface>): string | undefined {
  if (iface.masquerade || iface.bridge) return undefined;
  if (iface.sriov) return "SR-IOV";
  if (iface.binding) return `the binding plugin "${iface.binding.name ?? ""}"`;
  if (iface.passtBinding || iface.passt) return "passt";
  if (iface.macvtap) return "macvtap";
  if (iface.slirp) return "slirp";
  return undefined;
}
