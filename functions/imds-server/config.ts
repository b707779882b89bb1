import { isIPv4 } from "node:net";
import { EXIT, FatalError } from "./exit-codes.ts";

export interface Identity {
  namespace: string;
  serviceAccountName: string;
  vmName: string;
}

export interface ImdsConfig {
  address: string;
  port: number;
  /** False where something else already owns the address (tests, the bench, a host network). */
  networkSetup: boolean;
  /** Exact bridge name; when empty the first bridge whose name starts with bridgePrefix. */
  bridge: string;
  bridgePrefix: string;
  pollIntervalMs: number;
  pollTimeoutMs: number;
  tokenPath: string;
  ratePerSecond: number;
  rateBurst: number;
  identity: Identity;
}

type Env = Record<string, string | undefined>;

/** Collects every problem before failing, so one restart is enough to fix a manifest. */
class Reader {
  readonly problems: string[] = [];
  readonly env: Env;

  constructor(env: Env) {
    this.env = env;
  }

  text(name: string, fallback?: string): string {
    const value = this.env[name]?.trim() || fallback;
    if (value === undefined) this.problems.push(`${name} is required`);
    return value ?? "";
  }

  number(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      this.problems.push(`${name}="${raw}" must be a number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  flag(name: string, fallback: boolean): boolean {
    const raw = this.env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if (raw === "true" || raw === "false") return raw === "true";
    this.problems.push(`${name}="${raw}" must be true or false`);
    return fallback;
  }
}

// Linux interface names: at most 15 bytes, no slash, no whitespace.
const IFNAME = /^[^\s/]{1,15}$/;

export function loadConfig(env: Env = process.env): ImdsConfig {
  const read = new Reader(env);
  const config: ImdsConfig = {
    address: read.text("IMDS_ADDRESS", "169.254.169.254"),
    port: read.number("IMDS_PORT", 80, 0, 65535),
    networkSetup: read.flag("IMDS_NETWORK_SETUP", true),
    bridge: read.text("IMDS_BRIDGE", ""),
    bridgePrefix: read.text("IMDS_BRIDGE_PREFIX", "k6t-"),
    pollIntervalMs: read.number("IMDS_POLL_INTERVAL_MS", 1000, 10),
    pollTimeoutMs: read.number("IMDS_POLL_TIMEOUT_MS", 600_000, 0),
    tokenPath: read.text("IMDS_TOKEN_PATH", "/var/run/secrets/imds/token"),
    ratePerSecond: read.number("IMDS_RATE_PER_SECOND", 5, 0.01),
    rateBurst: read.number("IMDS_RATE_BURST", 10, 1),
    identity: {
      namespace: read.text("IMDS_NAMESPACE"),
      serviceAccountName: read.text("IMDS_SERVICE_ACCOUNT"),
      vmName: read.text("IMDS_VM_NAME"),
    },
  };
  read.problems.push(...crossChecks(config));
  if (read.problems.length > 0) {
    throw new FatalError("invalid_config", EXIT.config, read.problems.join("; "));
  }
  return config;
}

function crossChecks(config: ImdsConfig): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(config.port)) problems.push(`IMDS_PORT=${config.port} must be an integer`);
  if (!isIPv4(config.address)) problems.push(`IMDS_ADDRESS="${config.address}" must be IPv4`);
  if (config.bridge && !IFNAME.test(config.bridge)) {
    problems.push(`IMDS_BRIDGE="${config.bridge}" is not an interface name (1-15 bytes)`);
  }
  if (!config.bridge && !IFNAME.test(config.bridgePrefix)) {
    problems.push(`IMDS_BRIDGE_PREFIX="${config.bridgePrefix}" is not an interface name prefix`);
  }
  return problems;
}
