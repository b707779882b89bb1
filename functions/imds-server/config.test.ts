import { expect } from "chai";
import { loadConfig } from "./config.ts";
import { EXIT, FatalError } from "./exit-codes.ts";

const IDENTITY_ENV = {
  IMDS_NAMESPACE: "vms",
  IMDS_SERVICE_ACCOUNT: "builder",
  IMDS_VM_NAME: "web-1",
};

function failure(env: Record<string, string>): FatalError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof FatalError) return error;
    throw error;
  }
  throw new Error("loadConfig accepted the environment");
}

describe("imds-server loadConfig", () => {
  it("should apply the documented defaults when only the identity is set", () => {
    expect(loadConfig(IDENTITY_ENV)).to.deep.equal({
      address: "169.254.169.254",
      port: 80,
      networkSetup: true,
      bridge: "",
      bridgePrefix: "k6t-",
      pollIntervalMs: 1000,
      pollTimeoutMs: 600_000,
      tokenPath: "/var/run/secrets/imds/token",
      ratePerSecond: 5,
      rateBurst: 10,
      identity: { namespace: "vms", serviceAccountName: "builder", vmName: "web-1" },
    });
  });

  it("should read every setting when all are given", () => {
    const config = loadConfig({
      ...IDENTITY_ENV,
      IMDS_ADDRESS: "127.0.0.1",
      IMDS_PORT: "8080",
      IMDS_NETWORK_SETUP: "FALSE",
      IMDS_BRIDGE: "br-vm",
      IMDS_POLL_INTERVAL_MS: "50",
      IMDS_POLL_TIMEOUT_MS: "0",
      IMDS_TOKEN_PATH: "/t/token",
      IMDS_RATE_PER_SECOND: "0.5",
      IMDS_RATE_BURST: "3",
    });
    expect(config).to.deep.include({
      address: "127.0.0.1",
      port: 8080,
      networkSetup: false,
      bridge: "br-vm",
      pollIntervalMs: 50,
      pollTimeoutMs: 0,
      tokenPath: "/t/token",
      ratePerSecond: 0.5,
      rateBurst: 3,
    });
  });

  it("should list every problem with exit code 2 when several settings are wrong", () => {
    const error = failure({
      IMDS_NAMESPACE: " ",
      IMDS_PORT: "http",
      IMDS_NETWORK_SETUP: "yes",
      IMDS_ADDRESS: "fe80::1",
      IMDS_BRIDGE: "a-very-long-bridge-name",
    });
    expect([error.exitCode, error.reason]).to.deep.equal([EXIT.config, "invalid_config"]);
    expect(error.message.split("; ")).to.deep.equal([
      'IMDS_PORT="http" must be a number from 0 to 65535',
      'IMDS_NETWORK_SETUP="yes" must be true or false',
      "IMDS_NAMESPACE is required",
      "IMDS_SERVICE_ACCOUNT is required",
      "IMDS_VM_NAME is required",
      'IMDS_ADDRESS="fe80::1" must be IPv4',
      'IMDS_BRIDGE="a-very-long-bridge-name" is not an interface name (1-15 bytes)',
    ]);
  });

  it("should refuse a fractional port when IMDS_PORT is not an integer", () => {
    expect(failure({ ...IDENTITY_ENV, IMDS_PORT: "80.5" }).message).to.equal(
      "IMDS_PORT=80.5 must be an integer",
    );
  });

  it("should refuse a prefix with a slash when no bridge name is given", () => {
    expect(failure({ ...IDENTITY_ENV, IMDS_BRIDGE_PREFIX: "k6t/" }).message).to.equal(
      'IMDS_BRIDGE_PREFIX="k6t/" is not an interface name prefix',
    );
  });
});
