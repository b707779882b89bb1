import { expect } from "chai";
import { FeatureError } from "../../shared/basics/errors.ts";
import { configFromEnv } from "./config.ts";

describe("configFromEnv", () => {
  it("should use /proc, /sys, 300 s and 10 s when only NODE_NAME is set", () => {
    expect(configFromEnv({ NODE_NAME: "worker-1" })).to.deep.equal({
      node: "worker-1",
      intervalMs: 300_000,
      deadlineMs: 10_000,
      procRoot: "/proc",
      sysRoot: "/sys",
    });
  });

  it("should take the interval, deadline and roots when they are set", () => {
    const env = {
      NODE_NAME: "worker-1",
      PUBLISH_INTERVAL_SECONDS: "0.5",
      CLUSTER_LOOKUP_DEADLINE_MS: "2500",
      PROC_ROOT: "/host/proc",
      SYS_ROOT: "/host/sys",
    };
    expect(configFromEnv(env)).to.deep.equal({
      node: "worker-1",
      intervalMs: 500,
      deadlineMs: 2500,
      procRoot: "/host/proc",
      sysRoot: "/host/sys",
    });
  });

  it("should throw a FeatureError naming env NODE_NAME when it is missing", () => {
    const error = failure({ NODE_NAME: " " });
    expect([error.message, error.field]).to.deep.equal([
      "NODE_NAME is not set, so the function does not know its node",
      "env NODE_NAME",
    ]);
  });

  it("should throw a FeatureError naming the variable when the interval is not a positive number", () => {
    const error = failure({ NODE_NAME: "worker-1", PUBLISH_INTERVAL_SECONDS: "5m" });
    expect([error.message, error.field, error.fix]).to.deep.equal([
      'PUBLISH_INTERVAL_SECONDS="5m" is not a positive number',
      "env PUBLISH_INTERVAL_SECONDS",
      "set it to a positive number such as 300, or leave it unset",
    ]);
  });
});

function failure(env: Record<string, string>): FeatureError {
  try {
    configFromEnv(env);
  } catch (error) {
    if (error instanceof FeatureError) return error;
    throw error;
  }
  throw new Error("configFromEnv accepted the environment");
}
