import { expect } from "chai";
import { http } from "@google-cloud/functions-framework";
import type { Server } from "node:http";
import { serve } from "./serve.ts";

const activeDomain = (): unknown => (process as { domain?: unknown }).domain;

// serve() runs each function behind a guard registered with the framework; these are its promises
// about what happens around the function itself, checked over HTTP in this process.
describe("serve: the function's surroundings", () => {
  const servers: Server[] = [];
  async function start(target: string): Promise<string> {
    const server = await serve({ target, port: 0, host: "127.0.0.1" });
    servers.push(server);
    const address = server.address();
    return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  }
  const post = (url: string): Promise<Response> =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  after(() => servers.forEach((s) => s.close()));

  it("should run the function outside the framework's per-request domain", async () => {
    // Every promise made inside a domain is paired with it and costs about six times as much
    // (npm run bench:profile); the function's errors are answered without it (below).
    let seen: unknown = "not called";
    let inPromise: unknown = "not called";
    http("guard-domain", (_req, res) => {
      seen = activeDomain();
      return Promise.resolve().then(() => {
        inPromise = activeDomain();
        res.json({ ok: true });
      });
    });
    const res = await post(await start("guard-domain"));
    expect(res.status).to.equal(200);
    expect([seen, inPromise]).to.deep.equal([undefined, undefined]);
  });

  it("should answer a function that throws with a JSON 500 naming it, and keep serving", async () => {
    let calls = 0;
    http("guard-throws", (_req, res) => {
      calls += 1;
      if (calls === 1) throw new Error("boom");
      res.json({ ok: true });
    });
    const url = await start("guard-throws");
    const first = await post(url);
    expect([first.status, await first.json()]).to.deep.equal([
      500,
      { error: "internal", message: "guard-throws: the function failed: boom" },
    ]);
    const second = await post(url);
    expect([second.status, await second.json()]).to.deep.equal([200, { ok: true }]);
  });

  it("should answer a function whose promise rejects with a 500, and keep serving", async () => {
    let calls = 0;
    http("guard-rejects", async (_req, res) => {
      calls += 1;
      await Promise.resolve();
      if (calls === 1) throw new Error("late boom");
      res.json({ ok: true });
    });
    const url = await start("guard-rejects");
    expect((await post(url)).status).to.equal(500);
    expect((await post(url)).status).to.equal(200);
  });
});
