import { expect } from "chai";
import { EXIT, FatalError } from "./exit-codes.ts";
import { ipJson, runIp } from "./ip.ts";

// /bin/sh stands in for `ip` so that each failure `ip` can report is produced by a real process.
const sh = runIp("/bin/sh");

async function failure(run: Promise<unknown>): Promise<FatalError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof FatalError) return error;
  throw new Error(`expected a FatalError, got ${String(error)}`);
}

describe("imds-server ip", () => {
  it("should return stdout when the command succeeds", async () => {
    expect(await sh(["-c", "echo ok"])).to.equal("ok\n");
  });

  it("should parse empty output as an empty list when ip -json prints nothing", async () => {
    const fakeIp = (args: string[]): Promise<string> =>
      Promise.resolve(args[0] === "-json" ? "\n" : "unexpected");
    expect(await ipJson(fakeIp, ["rule", "show"])).to.deep.equal([]);
  });

  it("should exit 6 naming iproute2 when the ip binary is missing", async () => {
    const error = await failure(runIp("/nonexistent/ip")(["link"]));
    expect([error.exitCode, error.reason, error.message]).to.deep.equal([
      EXIT.networkSetup,
      "ip_missing",
      '"/nonexistent/ip" was not found: the image needs iproute2',
    ]);
  });

  it("should exit 5 naming NET_ADMIN when the kernel refuses the change", async () => {
    const error = await failure(
      sh(["-c", "echo 'RTNETLINK answers: Operation not permitted' >&2; exit 2"]),
    );
    expect([error.exitCode, error.reason]).to.deep.equal([
      EXIT.missingCapability,
      "missing_capability",
    ]);
    expect(error.message).to.match(/the container needs the NET_ADMIN capability$/);
  });

  it("should exit 6 with the command and stderr when ip fails otherwise", async () => {
    const error = await failure(
      sh(["-c", "echo 'Error: Nexthop has invalid gateway.' >&2; exit 2"]),
    );
    expect([error.exitCode, error.message]).to.deep.equal([
      EXIT.networkSetup,
      `"/bin/sh -c echo 'Error: Nexthop has invalid gateway.' >&2; exit 2" failed: Error: Nexthop has invalid gateway.`,
    ]);
  });
});
