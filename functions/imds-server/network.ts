import type { Logger } from "../../shared/runtime/log.ts";
import { waitForBridge } from "./bridge.ts";
import type { BridgeQuery } from "./bridge.ts";
import { EXIT, FatalError } from "./exit-codes.ts";
import { ipJson } from "./ip.ts";
import type { Ip, Link, Route, Rule } from "./ip.ts";

/** Names are per network namespace, so fixed names cannot clash with another VM's. */
export const LINK = "imds0";
export const PEER = "imds0-br";
/**
 * A bridge takes the lowest MAC among its ports unless its own was set; the highest unicast,
 * locally administered MAC keeps the bridge's address (which the guest has in its ARP cache)
 * from changing when this port joins.
 */
export const PEER_MAC = "fe:ff:ff:ff:ff:fe";
export const ROUTE_TABLE = "169254";
export const RULE_PRIORITY = 1692;

export interface NetworkOptions extends BridgeQuery {
  address: string;
}

interface Step {
  change: string;
  needed: boolean;
  args: string[];
}

/**
 * Gives the pod's network namespace the metadata address, idempotently: every step reads the
 * current state first and acts only where it differs, so a restarted sidecar changes nothing.
 * Returns what it changed.
 *
 * Layout: a veth pair, one end (`imds0-br`) a port of the VM bridge, the other (`imds0`) holding
 * the address. `imds0` is NOARP: in a namespace every interface answers ARP for every local
 * address, so without it `imds0` would also answer for the masquerade gateway 10.0.2.1 and could
 * become the guest's gateway. Frames for the address therefore reach the namespace through the
 * bridge's own interface, which answers ARP for it (bridge binding) or is the guest's gateway
 * already (masquerade). Replies leave by a policy route (`from <address> lookup 169254`, a table
 * whose default route is the bridge), because with bridge binding the namespace has no route to
 * the guest's address, and so that strict reverse-path filtering sees requests arrive on the
 * interface the reply would leave by.
 */
export async function setupNetwork(
  ip: Ip,
  options: NetworkOptions,
  log: Logger,
): Promise<string[]> {
  const bridge = await waitForBridge(ip, options, log);
  await checkAddressFree(ip, options.address);
  const changes: string[] = [];
  await apply(ip, vethStep(await links(ip)), changes);
  for (const step of linkSteps(await links(ip), bridge)) await apply(ip, step, changes);
  for (const step of await addressSteps(ip, options.address)) await apply(ip, step, changes);
  for (const step of await routeSteps(ip, options.address, bridge)) await apply(ip, step, changes);
  log("info", "network ready", { event: "network_ready", bridge, link: LINK, changes });
  return changes;
}

async function apply(ip: Ip, step: Step | undefined, changes: string[]): Promise<void> {
  if (!step?.needed) return;
  await ip(step.args);
  changes.push(step.change);
}

async function links(ip: Ip): Promise<Map<string, Link>> {
  const all = await ipJson<Link>(ip, ["-details", "link", "show"]);
  return new Map(all.map((link) => [link.ifname, link]));
}

function vethStep(current: Map<string, Link>): Step | undefined {
  for (const name of [LINK, PEER]) {
    const kind = current.get(name)?.linkinfo?.info_kind;
    if (kind !== undefined && kind !== "veth") {
      const message = `a ${kind} link named ${name} already exists in the pod's network namespace`;
      throw new FatalError("link_name_in_use", EXIT.addressInUse, message);
    }
  }
  return {
    change: `created veth ${LINK}/${PEER}`,
    needed: !current.has(LINK),
    args: ["link", "add", LINK, "type", "veth", "peer", "name", PEER, "address", PEER_MAC],
  };
}

/**
 * IPv6 address generation goes off before the links come up: a link-local address would have
 * `imds0` send neighbour discovery through the bridge, out of the pod with bridge binding.
 * Without IPv6 in the kernel `ip` reports no generation mode and there is nothing to turn off.
 */
function linkSteps(current: Map<string, Link>, bridge: string): Step[] {
  const link = current.get(LINK);
  const peer = current.get(PEER);
  const v6on = (l: Link | undefined): boolean =>
    l?.inet6_addr_gen_mode !== undefined && l.inet6_addr_gen_mode !== "none";
  return [
    ...[LINK, PEER].map((name) => ({
      change: `disabled IPv6 address generation on ${name}`,
      needed: v6on(current.get(name)),
      args: ["link", "set", "dev", name, "addrgenmode", "none"],
    })),
    {
      change: `turned ARP off on ${LINK}`,
      needed: !link?.flags.includes("NOARP"),
      args: ["link", "set", "dev", LINK, "arp", "off"],
    },
    {
      change: `attached ${PEER} to ${bridge}`,
      needed: peer?.master !== bridge,
      args: ["link", "set", "dev", PEER, "master", bridge],
    },
    ...[PEER, LINK].map((name) => ({
      change: `brought ${name} up`,
      needed: !current.get(name)?.flags.includes("UP"),
      args: ["link", "set", "dev", name, "up"],
    })),
  ];
}

/** The address on any interface but ours means another component owns it: refuse to share. */
async function checkAddressFree(ip: Ip, address: string): Promise<void> {
  const holders = await ipJson<Link>(ip, ["-4", "address", "show", "to", `${address}/32`]);
  const other = holders.find((link) => link.ifname !== LINK);
  if (other) {
    throw new FatalError(
      "address_in_use",
      EXIT.addressInUse,
      `${address} is already on ${other.ifname} in the pod's network namespace`,
    );
  }
}

async function addressSteps(ip: Ip, address: string): Promise<Step[]> {
  const holders = await ipJson<Link>(ip, ["-4", "address", "show", "dev", LINK]);
  const present = holders.some((link) =>
    link.addr_info?.some((a) => a.local === address && a.prefixlen === 32),
  );
  return [
    {
      change: `added ${address}/32 to ${LINK}`,
      needed: !present,
      args: ["address", "add", `${address}/32`, "dev", LINK],
    },
  ];
}

async function routeSteps(ip: Ip, address: string, bridge: string): Promise<Step[]> {
  // `show table <n>` fails while the table is empty (the kernel creates tables on first use).
  const routes = await ipJson<Route>(ip, ["-4", "route", "show", "table", "all"]);
  const rules = await ipJson<Rule>(ip, ["-4", "rule", "show"]);
  const routed = routes.some(
    (r) => r.table === ROUTE_TABLE && r.dst === "default" && r.dev === bridge && !r.gateway,
  );
  const ruled = rules.some(
    (r) => r.priority === RULE_PRIORITY && r.src === address && r.table === ROUTE_TABLE,
  );
  return [
    {
      change: `routed table ${ROUTE_TABLE} to ${bridge}`,
      needed: !routed,
      args: ["route", "replace", "default", "dev", bridge, "table", ROUTE_TABLE],
    },
    {
      change: `added rule from ${address} lookup ${ROUTE_TABLE}`,
      needed: !ruled,
      args: [
        ...["rule", "add", "priority", String(RULE_PRIORITY)],
        ...["from", address, "lookup", ROUTE_TABLE],
      ],
    },
  ];
}
