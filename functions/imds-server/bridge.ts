import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../../shared/runtime/log.ts";
import { EXIT, FatalError } from "./exit-codes.ts";
import { ipJson } from "./ip.ts";
import type { Ip, Link } from "./ip.ts";

export interface BridgeQuery {
  /** Exact name; empty to match by prefix. */
  bridge: string;
  bridgePrefix: string;
  pollIntervalMs: number;
  pollTimeoutMs: number;
}

/**
 * The bridge to use among the namespace's bridges, once it is up (routes through a bridge that
 * is down are refused). With a prefix, `<prefix>eth0` (KubeVirt's pod-network interface) wins;
 * otherwise the first by name, so that a restart picks the same one.
 */
export function chooseBridge(bridges: Link[], query: BridgeQuery): string | undefined {
  const up = bridges.filter((link) => link.flags.includes("UP")).map((link) => link.ifname);
  if (query.bridge) return up.find((name) => name === query.bridge);
  const matching = up.filter((name) => name.startsWith(query.bridgePrefix)).sort();
  return matching.find((name) => name === `${query.bridgePrefix}eth0`) ?? matching[0];
}

/**
 * Polls for the bridge. virt-handler builds it only once every other container of the launcher
 * pod is Ready, so this wait must never gate readiness: the caller runs it with no probe
 * depending on it, and gives up only after the bound.
 */
export async function waitForBridge(ip: Ip, query: BridgeQuery, log: Logger): Promise<string> {
  const started = Date.now();
  const wanted = query.bridge || `${query.bridgePrefix}*`;
  log("info", "waiting for the VM bridge", { event: "bridge_wait", bridge: wanted });
  for (;;) {
    const name = chooseBridge(await ipJson<Link>(ip, ["link", "show", "type", "bridge"]), query);
    const waitedMs = Date.now() - started;
    if (name !== undefined) {
      log("info", "found the VM bridge", { event: "bridge_found", bridge: name, waitedMs });
      return name;
    }
    if (waitedMs >= query.pollTimeoutMs) {
      throw new FatalError(
        "no_bridge",
        EXIT.noBridge,
        `no bridge ${wanted} was up after ${query.pollTimeoutMs} ms (IMDS_POLL_TIMEOUT_MS)`,
      );
    }
    await sleep(query.pollIntervalMs);
  }
}
