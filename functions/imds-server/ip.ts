import { execFile } from "node:child_process";
import { EXIT, FatalError } from "./exit-codes.ts";

/**
 * Runs iproute2's `ip` and returns its stdout. iproute2 rather than a netlink library: npm has no
 * maintained pure-JS rtnetlink client (the ones there are native addons, which the image would
 * have to compile for its libc and which start slower), iproute2 is one small Debian package,
 * `ip -json` gives stable machine-readable state to compare against, and every step this sidecar
 * takes is a command an operator can paste into `kubectl debug` to inspect or undo it.
 */
export type Ip = (args: string[]) => Promise<string>;

export interface Link {
  ifname: string;
  flags: string[];
  master?: string;
  address?: string;
  inet6_addr_gen_mode?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

export interface Rule {
  priority: number;
  src?: string;
  table?: string;
}

export interface Route {
  table?: string;
  dst: string;
  dev?: string;
  gateway?: string;
}

export function runIp(binary = "ip"): Ip {
  return (args) =>
    new Promise((resolve, reject) => {
      execFile(binary, args, { timeout: 10_000 }, (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        reject(ipFailure(binary, args, error, stderr));
      });
    });
}

function ipFailure(binary: string, args: string[], error: Error, stderr: string): FatalError {
  const command = `${binary} ${args.join(" ")}`;
  if ((error as NodeJS.ErrnoException).code === "ENOENT") {
    return new FatalError(
      "ip_missing",
      EXIT.networkSetup,
      `"${binary}" was not found: the image needs iproute2`,
    );
  }
  const detail = stderr.trim() || error.message;
  if (/Operation not permitted/i.test(detail)) {
    return new FatalError(
      "missing_capability",
      EXIT.missingCapability,
      `"${command}" was refused (${detail}): the container needs the NET_ADMIN capability`,
    );
  }
  return new FatalError(
    "network_setup_failed",
    EXIT.networkSetup,
    `"${command}" failed: ${detail}`,
  );
}

/** `ip -json` prints nothing at all (not `[]`) for some empty answers. */
export async function ipJson<T>(ip: Ip, args: string[]): Promise<T[]> {
  const out = (await ip(["-json", ...args])).trim();
  return out === "" ? [] : (JSON.parse(out) as T[]);
}
