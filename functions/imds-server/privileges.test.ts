import { expect } from "chai";
import { EXIT, FatalError } from "./exit-codes.ts";
import { checkPrivileges } from "./privileges.ts";

// CapEff masks: NET_ADMIN is bit 12 (0x1000), NET_BIND_SERVICE bit 10 (0x400).
const proc = (
  capEff: string,
  portStart = "1024",
): { status: string; unprivilegedPortStart: string } => ({
  status: `Name:\tnode\nCapInh:\t0000000000000000\nCapEff:\t${capEff}\n`,
  unprivilegedPortStart: `${portStart}\n`,
});

function refusal(run: () => void): FatalError {
  try {
    run();
  } catch (error) {
    if (error instanceof FatalError) return error;
    throw error;
  }
  throw new Error("checkPrivileges accepted");
}

describe("imds-server checkPrivileges", () => {
  it("should pass when NET_ADMIN and NET_BIND_SERVICE are effective", () => {
    expect(checkPrivileges({ networkSetup: true, port: 80 }, proc("0000000000001400"))).to.equal(
      undefined,
    );
  });

  it("should pass without NET_BIND_SERVICE when the pod lets anyone bind port 80", () => {
    expect(
      checkPrivileges({ networkSetup: true, port: 80 }, proc("0000000000001000", "0")),
    ).to.equal(undefined);
  });

  it("should exit 5 naming NET_ADMIN when network setup is on and the capability is missing", () => {
    const error = refusal(() =>
      checkPrivileges({ networkSetup: true, port: 80 }, proc("0000000000000400")),
    );
    expect([error.exitCode, error.reason]).to.deep.equal([
      EXIT.missingCapability,
      "missing_capability",
    ]);
    expect(error.message).to.match(/^the NET_ADMIN capability is not effective/);
  });

  it("should exit 5 naming the sysctl when port 80 is privileged and NET_BIND_SERVICE is missing", () => {
    const error = refusal(() =>
      checkPrivileges({ networkSetup: true, port: 80 }, proc("0000000000001000")),
    );
    expect(error.message).to.equal(
      "port 80 is below net.ipv4.ip_unprivileged_port_start=1024: add the NET_BIND_SERVICE capability or set the pod sysctl to 0",
    );
  });

  it("should not ask for NET_ADMIN when network setup is off", () => {
    expect(checkPrivileges({ networkSetup: false, port: 8080 }, proc("0000000000000000"))).to.equal(
      undefined,
    );
  });
});
