import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import type { Binding, NetworkConfigurationSpec, NetworkSpec } from "../api.ts";
import type { BootNumbers } from "./boot-order.ts";
import type { Problem } from "../spec/problems.ts";
import { isProblem, problem } from "../spec/problems.ts";
import type { ResolvedMachine } from "../spec/resolve.ts";
import { badBridgeNetwork, desiredAttachment } from "./network-attachments.ts";

export interface VmNetworking {
  interfaces: Record<string, unknown>[];
  networks: Record<string, unknown>[];
  /** The NetworkAttachmentDefinitions this Machine's VLAN and bridge networks need. */
  attachments: KubeObject[];
}

/**
 * Each spec.networks entry as a KubeVirt interface and network: the NetworkConfiguration of that
 * name (in the Machine's namespace) says whether it is a Multus network, the pod network, or a
 * VLAN and bridge (a NetworkAttachmentDefinition of the Machine's own), and the binding (bridge,
 * or masquerade for the pod network, unless it says otherwise).
 */
export function vmNetworking(
  machine: ResolvedMachine,
  configurations: Map<string, KubeObject>,
  boot: BootNumbers,
): VmNetworking | Problem {
  const result: VmNetworking = { interfaces: [], networks: [], attachments: [] };
  let podNetwork: string | undefined;
  for (const [index, network] of machine.networks.entries()) {
    const field = `spec.networks[${index}].networkName`;
    const target = targetOf(network, machine, configurations, field);
    if (isProblem(target)) return target;
    if (target.attachment) result.attachments.push(target.attachment);
    if (target.pod && podNetwork !== undefined) return secondPod(podNetwork, network.name, field);
    if (target.pod) podNetwork = network.name;
    result.interfaces.push(
      vmInterface(network, target.binding, index === 0 ? boot.firstInterface : undefined),
    );
    result.networks.push({
      name: network.name,
      ...(target.pod ? { pod: {} } : { multus: { networkName: target.multus } }),
    });
  }
  return result;
}

interface Target {
  pod: boolean;
  multus?: string;
  binding: Binding;
  attachment?: KubeObject;
}

/** Where a NetworkConfiguration leads: the pod network, a Multus network or a VLAN, and the binding. */
function targetOf(
  network: NetworkSpec,
  machine: ResolvedMachine,
  configurations: Map<string, KubeObject>,
  field: string,
): Target | Problem {
  const name = network.networkName;
  const config = configurations.get(name);
  if (!config) return missing(name, machine.namespace, field);
  const spec = (config["spec"] ?? {}) as NetworkConfigurationSpec;
  const multus = spec.multus?.networkName;
  const pod = spec.pod !== undefined && spec.multus === undefined;
  if (!pod && !multus) return bridgeTarget(network, machine, spec, field);
  return {
    pod,
    ...(multus ? { multus } : {}),
    binding: spec.binding ?? (pod ? "masquerade" : "bridge"),
  };
}

/** A VLAN and/or bridge: a NetworkAttachmentDefinition of this Machine's, which the VM names. */
function bridgeTarget(
  network: NetworkSpec,
  machine: ResolvedMachine,
  spec: NetworkConfigurationSpec,
  field: string,
): Target | Problem {
  const name = network.networkName;
  if (spec.vlan === undefined && spec.bridge === undefined) return malformed(name, field);
  const bad = badBridgeNetwork(name, spec, field);
  if (bad) return bad;
  const attachment = desiredAttachment(machine, network.name, spec);
  const multus = attachment.metadata?.name ?? "";
  return { pod: false, multus, binding: spec.binding ?? "bridge", attachment };
}

function vmInterface(
  network: NetworkSpec,
  binding: Binding,
  bootOrder: number | undefined,
): Record<string, unknown> {
  return {
    name: network.name,
    model: network.model ?? "virtio",
    ...(network.macAddress ? { macAddress: network.macAddress } : {}),
    [binding]: {},
    ...(bootOrder ? { bootOrder } : {}),
  };
}

function missing(name: string, namespace: string, field: string): Problem {
  return problem(
    "NetworkReady",
    "NetworkConfigurationNotFound",
    `NetworkConfiguration ${namespace}/${name} does not exist`,
    {
      field,
      fix: `create it (kubectl get networkconfigurations -n ${namespace} lists those there), or name another`,
    },
  );
}

function malformed(name: string, field: string): Problem {
  return problem(
    "NetworkReady",
    "InvalidNetworkConfiguration",
    `NetworkConfiguration ${name} names no Multus network, pod network, VLAN or bridge`,
    {
      field,
      fix: `set spec.multus.networkName, spec.pod: {}, or spec.vlan and/or spec.bridge on NetworkConfiguration ${name}`,
    },
  );
}

function secondPod(first: string, second: string, field: string): Problem {
  return problem(
    "NetworkReady",
    "InvalidSpec",
    `networks ${first} and ${second} both use the pod network, which a VM has only once`,
    {
      field,
      fix: "attach one of them to a Multus network instead",
    },
  );
}
