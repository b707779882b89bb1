import { expect } from "chai";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import type { AddressInfo, Server } from "node:net";
import { fileURLToPath } from "node:url";
import { collectLogLines, waitForEvent } from "../../test/helpers/log-lines.ts";
import type { LoggingProcess } from "../../test/helpers/log-lines.ts";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const BASE_ENV = {
  PATH: process.env["PATH"] ?? "",
  IMDS_NETWORK_SETUP: "false",
  IMDS_ADDRESS: "127.0.0.1",
  IMDS_PORT: "0",
  IMDS_NAMESPACE: "vms",
  IMDS_SERVICE_ACCOUNT: "builder",
  IMDS_VM_NAME: "web-1",
};

function start(env: Record<string, string>): LoggingProcess {
  return collectLogLines(spawn(process.execPath, [MAIN], { env: { ...BASE_ENV, ...env } }));
}

describe("imds-server main", () => {
  it("should exit 2 with one log line listing the problems when the identity env is missing", async () => {
    const run = start({ IMDS_VM_NAME: "" });
    expect(await run.exited).to.equal(2);
    const withoutTime = run.lines.map((line) => ({ ...line, time: "t" }));
    expect(withoutTime).to.deep.equal([
      {
        time: "t",
        level: "error",
        msg: "IMDS_VM_NAME is required",
        event: "exit",
        reason: "invalid_config",
        exitCode: 2,
      },
    ]);
  });

  it("should serve and then exit 0 when it receives SIGTERM", async () => {
    const run = start({});
    const serving = await waitForEvent(run, "serving");
    const reply = await fetch(`http://127.0.0.1:${String(serving["port"])}/healthz`);
    expect([reply.status, await reply.text()]).to.deep.equal([200, "OK"]);
    run.child.kill("SIGTERM");
    expect(await run.exited).to.equal(0);
    expect(run.lines.at(-1)).to.include({ event: "shutdown", signal: "SIGTERM" });
  });

  it("should exit 4 when the port is already taken", async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as AddressInfo).port;
    const run = start({ IMDS_PORT: String(port) });
    const code = await run.exited;
    holder.close();
    expect(code).to.equal(4);
    expect(run.lines.at(-1)).to.include({
      msg: `127.0.0.1:${port} is already in use`,
      reason: "address_in_use",
      exitCode: 4,
    });
  });

  it("should exit 6 when the address is on no interface and setup is off", async () => {
    // TEST-NET-3, documentation-only: no interface of a test machine holds it.
    const run = start({ IMDS_ADDRESS: "203.0.113.254" });
    expect(await run.exited).to.equal(6);
    expect(run.lines.at(-1)).to.include({ reason: "address_not_available", exitCode: 6 });
  });
});
