import { FeatureError } from "../../shared/basics/errors.ts";
import type { WantedDevice } from "../../shared/kubevirt/devices.ts";
import { HOSTNAME_LABEL } from "../../shared/kubevirt/affinity.ts";
import type { NodeInfo } from "../../shared/kubevirt/placement.ts";
import { placementAllows } from "../../shared/kubevirt/placement.ts";
import { resourceEntryName } from "../../shared/kubevirt/resource-name.ts";
import type { VmiSpec } from "../../shared/kubevirt/types.ts";
import { NODE_ANNOTATIONS } from "../../shared/node-labels.ts";
import type { Entry } from "./intent.ts";
import { TRIGGER_FIELD } from "./intent.ts";
import type { Candidate, Candidates } from "./sources.ts";

/** What the VM gets: one hostDevices entry per requested entry, and the node it is pinned to. */
export interface Plan {
  devices: WantedDevice[];
  /** Set when an address was requested: the one node that holds every requested address. */
  node?: NodeInfo;
}

type ByNode = Map<string, Map<string, Candidate>>;

/**
 * Resolves the entries: a resource name stands for itself; the addresses must all be on one node
 * that the VM's placement allows and where every one of them is usable (on vfio-pci, with a
 * resource name). Exactly one such node is pinned; none, or several, is an error saying how to
 * choose.
 */
export function planDevices(
  entries: readonly Entry[],
  found: Candidates,
  nodes: readonly NodeInfo[],
  spec: Readonly<VmiSpec> | undefined,
): Plan {
  const addresses = entries.flatMap((e) => (e.kind === "address" ? [e.address] : []));
  if (addresses.length === 0) return { devices: entries.map(resourceDevice) };
  const known = new Map(nodes.map((n) => [n.name, n]));
  const byNode = groupByNode(found.candidates.filter((c) => known.has(c.node)));
  requireEverywhere(addresses, byNode, found);
  const holders = [...byNode.keys()].filter((n) => addresses.every((a) => byNode.get(n)?.has(a)));
  if (holders.length === 0) throw splitAcrossNodes(addresses, byNode);
  const allowed = holders.filter((n) =>
    placementAllows(spec, known.get(n) ?? { name: n, labels: {} }),
  );
  if (allowed.length === 0) throw excluded(addresses, holders);
  const usable = allowed.filter((n) => addresses.every((a) => usableOn(byNode, n, a)));
  if (usable.length > 1) throw ambiguous(addresses, usable);
  const [chosen] = usable;
  if (chosen === undefined) throw firstProblem(byNode, allowed[0] ?? "", addresses);
  const devices = entries.map((e) =>
    e.kind === "resource" ? resourceDevice(e) : addressDevice(byNode, chosen, e.address),
  );
  return { devices, node: known.get(chosen) };
}

function resourceDevice(entry: Entry): WantedDevice {
  const resourceName = entry.kind === "resource" ? entry.resourceName : "";
  return { name: resourceEntryName(resourceName), deviceName: resourceName };
}

function addressDevice(byNode: ByNode, node: string, address: string): WantedDevice {
  const candidate = byNode.get(node)?.get(address);
  const resolution = candidate?.resolution;
  const deviceName = resolution && "resourceName" in resolution ? resolution.resourceName : "";
  return { name: candidate?.name ?? "", deviceName };
}

function groupByNode(candidates: readonly Candidate[]): ByNode {
  const byNode: ByNode = new Map();
  for (const c of [...candidates].sort((a, b) => a.node.localeCompare(b.node))) {
    const onNode = byNode.get(c.node) ?? new Map<string, Candidate>();
    onNode.set(c.address, c);
    byNode.set(c.node, onNode);
  }
  return byNode;
}

function usableOn(byNode: ByNode, node: string, address: string): boolean {
  const resolution = byNode.get(node)?.get(address)?.resolution;
  return resolution !== undefined && "resourceName" in resolution;
}

function requireEverywhere(addresses: readonly string[], byNode: ByNode, found: Candidates): void {
  const missing = addresses.find((a) => ![...byNode.values()].some((onNode) => onNode.has(a)));
  if (missing === undefined) return;
  const where =
    found.source === "pcidevices"
      ? "no Harvester PCIDevice has that status.address"
      : `no node's PCI inventory (annotation ${NODE_ANNOTATIONS.pciDevices}, published by cpu-labeller) lists it`;
  throw new FeatureError(`no node has a PCI device at ${missing}: ${where}`, {
    field: TRIGGER_FIELD,
    fix:
      found.source === "pcidevices"
        ? "check the address with kubectl get pcidevices (or lspci -D on the node)"
        : "check the address with lspci -D on the node, and that cpu-labeller runs there",
  });
}

function splitAcrossNodes(addresses: readonly string[], byNode: ByNode): FeatureError {
  const places = addresses.map((a) => {
    const nodes = [...byNode.entries()].filter(([, onNode]) => onNode.has(a)).map(([n]) => n);
    return `${a} on ${nodes.join(", ")}`;
  });
  return new FeatureError(
    `no single node holds all of ${addresses.join(", ")} (${places.join("; ")})`,
    {
      field: TRIGGER_FIELD,
      fix: "pass through devices of one node only, or give each node's devices to their own VM",
    },
  );
}

const PLACEMENT_FIELD = "spec.template.spec.nodeSelector / affinity.nodeAffinity";

function excluded(addresses: readonly string[], holders: readonly string[]): FeatureError {
  return new FeatureError(
    `the VM's placement excludes ${holders.join(", ")}, where ${addresses.join(", ")} ${addresses.length > 1 ? "are" : "is"}`,
    {
      field: PLACEMENT_FIELD,
      fix: "widen the VM's nodeSelector or required node affinity, or choose devices of a node it may run on",
    },
  );
}

function ambiguous(addresses: readonly string[], nodes: readonly string[]): FeatureError {
  return new FeatureError(
    `${addresses.join(", ")} ${addresses.length > 1 ? "exist" : "exists"} on several nodes the VM may run on (${nodes.join(", ")})`,
    {
      field: PLACEMENT_FIELD,
      fix: `choose the node: nodeSelector ${HOSTNAME_LABEL}: ${nodes[0] ?? "<node>"} (or another of them)`,
    },
  );
}

function firstProblem(byNode: ByNode, node: string, addresses: readonly string[]): FeatureError {
  for (const address of addresses) {
    const resolution = byNode.get(node)?.get(address)?.resolution;
    if (resolution && "problem" in resolution)
      return new FeatureError(resolution.problem, { field: TRIGGER_FIELD, fix: resolution.fix });
  }
  return new FeatureError(`no usable device at ${addresses.join(", ")}`, {
    field: TRIGGER_FIELD,
    fix: "check the addresses",
  });
}
