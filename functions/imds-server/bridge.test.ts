import { expect } from "chai";
import { chooseBridge, waitForBridge } from "./bridge.ts";
import { EXIT, FatalError } from "./exit-codes.ts";
import type { Link } from "./ip.ts";

const up = (ifname: string): Link => ({ ifname, flags: ["BROADCAST", "UP", "LOWER_UP"] });
const down = (ifname: string): Link => ({ ifname, flags: ["BROADCAST"] });
const byPrefix = { bridge: "", bridgePrefix: "k6t-", pollIntervalMs: 10, pollTimeoutMs: 0 };

describe("imds-server bridge", () => {
  it("should prefer k6t-eth0 when several k6t- bridges are up", () => {
    expect(chooseBridge([up("k6t-0a1b"), up("k6t-eth0"), up("br0")], byPrefix)).to.equal(
      "k6t-eth0",
    );
  });

  it("should take the first by name when no <prefix>eth0 exists", () => {
    expect(chooseBridge([up("k6t-net2"), up("k6t-net1")], byPrefix)).to.equal("k6t-net1");
  });

  it("should ignore a bridge that is still down", () => {
    expect(chooseBridge([down("k6t-eth0")], byPrefix)).to.equal(undefined);
  });

  it("should match only the exact name when IMDS_BRIDGE is set", () => {
    const exact = { ...byPrefix, bridge: "br-vm" };
    expect([
      chooseBridge([up("k6t-eth0")], exact),
      chooseBridge([up("br-vm")], exact),
    ]).to.deep.equal([undefined, "br-vm"]);
  });

  it("should poll until the bridge appears when it comes up later", async () => {
    const answers = ["", JSON.stringify([down("k6t-eth0")]), JSON.stringify([up("k6t-eth0")])];
    const seen: string[][] = [];
    const ip = (args: string[]): Promise<string> => {
      seen.push(args);
      return Promise.resolve(answers.shift() ?? "[]");
    };
    const name = await waitForBridge(ip, { ...byPrefix, pollTimeoutMs: 5_000 }, () => undefined);
    expect(name).to.equal("k6t-eth0");
    expect(seen).to.deep.equal(Array(3).fill(["-json", "link", "show", "type", "bridge"]));
  });

  it("should fail with exit code 3 when no bridge is up after the bound", async () => {
    const ip = (): Promise<string> => Promise.resolve("[]");
    const error = await waitForBridge(ip, { ...byPrefix, pollTimeoutMs: 30 }, () => undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(FatalError);
    expect([(error as FatalError).exitCode, (error as FatalError).message]).to.deep.equal([
      EXIT.noBridge,
      "no bridge k6t-* was up after 30 ms (IMDS_POLL_TIMEOUT_MS)",
    ]);
  });
});
