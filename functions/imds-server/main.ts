// The instance-metadata sidecar: network setup, then serve. A plain Node process, not a
// Functions Framework function, so that one copy per VM costs as little memory as Node allows.
import type { Server } from "node:http";
import { jsonLogger } from "../../shared/runtime/log.ts";
import type { Logger } from "../../shared/runtime/log.ts";
import { loadConfig } from "./config.ts";
import type { ImdsConfig } from "./config.ts";
import { EXIT, FatalError } from "./exit-codes.ts";
import { runIp } from "./ip.ts";
import { setupNetwork } from "./network.ts";
import { checkPrivileges } from "./privileges.ts";
import { RateLimiter } from "./rate-limit.ts";
import { createImdsServer } from "./server.ts";

/** Within the default 30 s termination grace period, with room for the kubelet's own steps. */
const SHUTDOWN_GRACE_MS = 5_000;

const log = jsonLogger();
let server: Server | undefined;

function shutdown(signal: string): void {
  log("info", "shutting down", { event: "shutdown", signal });
  if (!server) process.exit(EXIT.ok);
  server.close(() => process.exit(EXIT.ok));
  server.closeIdleConnections();
  setTimeout(() => process.exit(EXIT.ok), SHUTDOWN_GRACE_MS).unref();
}

function listen(target: Server, config: ImdsConfig): Promise<number> {
  return new Promise((resolve, reject) => {
    target.once("error", (error: NodeJS.ErrnoException) => reject(listenFailure(error, config)));
    target.listen(config.port, config.address, () => {
      const address = target.address();
      resolve(typeof address === "object" && address ? address.port : config.port);
    });
  });
}

function listenFailure(error: NodeJS.ErrnoException, config: ImdsConfig): Error {
  const where = `${config.address}:${config.port}`;
  if (error.code === "EADDRINUSE") {
    return new FatalError("address_in_use", EXIT.addressInUse, `${where} is already in use`);
  }
  if (error.code === "EACCES") {
    const message = `binding ${where} was refused: add NET_BIND_SERVICE or lower net.ipv4.ip_unprivileged_port_start`;
    return new FatalError("missing_capability", EXIT.missingCapability, message);
  }
  if (error.code === "EADDRNOTAVAIL") {
    const message = `${config.address} is on no interface: turn IMDS_NETWORK_SETUP on or add it`;
    return new FatalError("address_not_available", EXIT.networkSetup, message);
  }
  return error;
}

function fail(logger: Logger, error: unknown): never {
  const fatal = error instanceof FatalError;
  const code = fatal ? error.exitCode : EXIT.unexpected;
  const reason = fatal ? error.reason : "unexpected";
  logger("error", error instanceof Error ? error.message : String(error), {
    event: "exit",
    reason,
    exitCode: code,
  });
  process.exit(code);
}

async function run(): Promise<void> {
  const config = loadConfig();
  checkPrivileges(config);
  // Installed before the bridge wait, which can last minutes: a pod deleted meanwhile must stop.
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  if (config.networkSetup) await setupNetwork(runIp(), config, log);
  const limiter = new RateLimiter({ ratePerSecond: config.ratePerSecond, burst: config.rateBurst });
  const candidate = createImdsServer({ ...config, limiter, log });
  const port = await listen(candidate, config);
  server = candidate;
  log("info", "serving", { event: "serving", address: config.address, port });
}

await run().catch((error: unknown) => fail(log, error));
