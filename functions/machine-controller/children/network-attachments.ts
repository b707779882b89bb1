import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import type { NetworkConfigurationSpec } from "../api.ts";
import { LABELS, NETWORK_ATTACHMENT_DEFINITION } from "../api.ts";
import type { Problem } from "../spec/problems.ts";
import { problem } from "../spec/problems.ts";
import { childLabels } from "./child.ts";

/** The bridge CNI plugin's own default, written out so that the NAD says which bridge it uses. */
export const DEFAULT_BRIDGE = "cni0";

/** `<machine>-<network>`: one per Machine network, so that no two Machines share (or delete) one. */
export function attachmentName(machine: string, network: string): string {
  return `${machine}-${network}`;
}

/**
 * The bridge CNI configuration (containernetworking/plugins' bridge): the NetworkConfiguration's
 * bridge and VLAN, and its IPAM (none, `{}`, unless it says: the guest usually runs DHCP itself).
 */
export function bridgeConfig(name: string, spec: NetworkConfigurationSpec): string {
  return JSON.stringify({
    cniVersion: "0.3.1",
    name,
    type: "bridge",
    bridge: spec.bridge ?? DEFAULT_BRIDGE,
    ...(spec.vlan !== undefined ? { vlan: spec.vlan } : {}),
    ipam: spec.ipam ?? {},
  });
}

/** The NetworkAttachmentDefinition one Machine network attaches through. */
export function desiredAttachment(
  machine: { name: string; namespace: string },
  network: string,
  spec: NetworkConfigurationSpec,
): KubeObject {
  const name = attachmentName(machine.name, network);
  return {
    apiVersion: NETWORK_ATTACHMENT_DEFINITION.apiVersion,
    kind: NETWORK_ATTACHMENT_DEFINITION.kind,
    metadata: {
      name,
      namespace: machine.namespace,
      labels: childLabels(machine.name, { [LABELS.network]: network }),
    },
    spec: { config: bridgeConfig(name, spec) },
  };
}

/** What Linux accepts as an interface name (dev_valid_name): 1-15 bytes, no `/`, `:` or space, not `.` or `..`. */
export function isInterfaceName(name: string): boolean {
  return (
    name !== "." &&
    name !== ".." &&
    Buffer.byteLength(name) >= 1 &&
    Buffer.byteLength(name) <= 15 &&
    !/[/:\s]/.test(name)
  );
}

/** The first bad value of a bridge NetworkConfiguration: a VLAN outside 1-4094, a bridge Linux refuses. */
export function badBridgeNetwork(
  configuration: string,
  spec: NetworkConfigurationSpec,
  field: string,
): Problem | undefined {
  const { vlan, bridge } = spec;
  const fail = (what: string, fix: string): Problem =>
    problem("NetworkReady", "InvalidNetworkConfiguration", what, { field, fix });
  if (vlan !== undefined && !(Number.isInteger(vlan) && vlan >= 1 && vlan <= 4094))
    return fail(
      `NetworkConfiguration ${configuration} has spec.vlan ${JSON.stringify(vlan)}, outside 1-4094`,
      `set spec.vlan of NetworkConfiguration ${configuration} to a VLAN from 1 to 4094`,
    );
  if (bridge !== undefined && !(typeof bridge === "string" && isInterfaceName(bridge)))
    return fail(
      `NetworkConfiguration ${configuration} has spec.bridge ${JSON.stringify(bridge)}, which is not a Linux interface name`,
      `set spec.bridge of NetworkConfiguration ${configuration} to 1-15 characters without /, : or spaces, e.g. br-vlan100`,
    );
  return undefined;
}
