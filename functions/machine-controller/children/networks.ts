import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import type { Binding, NetworkConfigurationSpec, NetworkSpec } from "../api.ts";
import type { BootNumbers } from "./boot-order.ts";
import type { Problem } from "../spec/problems.ts";
import { isProblem, problem } from "../spec/problems.ts";
import type { ResolvedMachine } from "../spec/resolve.ts";

export interface VmNetworking {
  interfaces: Record<string, unknown>[];
  networks: Record<string, unknown>[];
}

/**
 * Each spec.networks entry as a KubeVirt interface and network: the NetworkConfiguration of that
 * name (in the Machine's namespace) says whether it is a Multus network or the pod network, and
 * the binding (bridge for Multus, masquerade for the pod network, unless it says otherwise).
 */
export function vmNetworking(
  machine: ResolvedMachine,
  configurations: Map<string, KubeObject>,
  boot: BootNumbers,
): VmNetworking | Problem {
  const result: VmNetworking = { interfaces: [], networks: [] };
  let podNetwork: string | undefined;
  for (const [index, network] of machine.networks.entries()) {
    const field = `spec.networks[${index}].networkName`;
    const target = targetOf(network.networkName, configurations, machine.namespace, field);
    if (isProblem(target)) return target;
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
}

/** Where a NetworkConfiguration leads: the pod network or a Multus network, and the binding. */
function targetOf(
  name: string,
  configurations: Map<string, KubeObject>,
  namespace: string,
  field: string,
): Target | Problem {
  const config = configurations.get(name);
  if (!config) return missing(name, namespace, field);
  const spec = (config["spec"] ?? {}) as NetworkConfigurationSpec;
  const multus = spec.multus?.networkName;
  const pod = spec.pod !== undefined && spec.multus === undefined;
  if (!pod && !multus) return malformed(name, field);
  return {
    pod,
    ...(multus ? { multus } : {}),
    binding: spec.binding ?? (pod ? "masquerade" : "bridge"),
  };
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
    `NetworkConfiguration ${name} names neither a Multus network nor the pod network`,
    {
      field,
      fix: `set spec.multus.networkName or spec.pod: {} on NetworkConfiguration ${name}`,
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
