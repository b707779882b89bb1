import { readFileSync } from "node:fs";
import { EXIT, FatalError } from "./exit-codes.ts";

const CAP_NET_BIND_SERVICE = 10n;
const CAP_NET_ADMIN = 12n;

export interface ProcFiles {
  status: string;
  unprivilegedPortStart: string;
}

function readProc(): ProcFiles | undefined {
  try {
    return {
      status: readFileSync("/proc/self/status", "utf8"),
      unprivilegedPortStart: readFileSync("/proc/sys/net/ipv4/ip_unprivileged_port_start", "utf8"),
    };
  } catch {
    return undefined;
  }
}

function effective(status: string): bigint {
  const hex = /^CapEff:\s*([0-9a-f]+)$/im.exec(status)?.[1];
  return hex === undefined ? 0n : BigInt(`0x${hex}`);
}

/**
 * Fails at start, before waiting minutes for a bridge, when the process lacks what it will need:
 * NET_ADMIN for the links, and for a port below `ip_unprivileged_port_start` NET_BIND_SERVICE.
 * containerd 2 sets that sysctl to 0 in pods by default (`enable_unprivileged_ports`).
 * Without /proc (not Linux) the check is left to the calls themselves.
 */
export function checkPrivileges(
  options: { networkSetup: boolean; port: number },
  proc: ProcFiles | undefined = readProc(),
): void {
  if (!proc) return;
  const caps = effective(proc.status);
  const has = (cap: bigint): boolean => (caps & (1n << cap)) !== 0n;
  if (options.networkSetup && !has(CAP_NET_ADMIN)) {
    throw new FatalError(
      "missing_capability",
      EXIT.missingCapability,
      "the NET_ADMIN capability is not effective: add it to the container's securityContext and run as uid 0 (Kubernetes grants added capabilities to root only)",
    );
  }
  const firstFree = Number(proc.unprivilegedPortStart.trim());
  if (options.port > 0 && options.port < firstFree && !has(CAP_NET_BIND_SERVICE)) {
    throw new FatalError(
      "missing_capability",
      EXIT.missingCapability,
      `port ${options.port} is below net.ipv4.ip_unprivileged_port_start=${firstFree}: add the NET_BIND_SERVICE capability or set the pod sysctl to 0`,
    );
  }
}
