import { expect } from "chai";
import { createServer } from "node:http";
import type { Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { sendJson } from "./send-json.ts";

describe("sendJson", () => {
  let server: Server;
  let url = "";
  // Each request's response, handed to the test once its body is read.
  let pending: ((res: ServerResponse) => void)[] = [];
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => pending.shift()?.(res));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  /** Opens `n` requests and resolves with their responses once all n are held by the server. */
  async function held(
    n: number,
  ): Promise<{ responses: ServerResponse[]; bodies: Promise<unknown>[] }> {
    const responses: ServerResponse[] = [];
    const all = new Promise<void>((resolve) => {
      pending = Array.from({ length: n }, () => (res: ServerResponse) => {
        responses.push(res);
        if (responses.length === n) resolve();
      });
    });
    const bodies = Array.from({ length: n }, () =>
      fetch(url, { method: "POST", body: "{}" }).then(async (r) => ({
        status: r.status,
        type: r.headers.get("content-type"),
        body: (await r.json()) as unknown,
      })),
    );
    await all;
    return { responses, bodies };
  }

  it("should write the first answer of a turn at once and the others at its end, all of them", async () => {
    const { responses, bodies } = await held(3);
    const [first, second, third] = responses as [ServerResponse, ServerResponse, ServerResponse];
    sendJson(first, 200, { n: 1 });
    sendJson(second, 201, { n: 2 });
    sendJson(third, 200, { n: 3 });
    expect([first.headersSent, second.headersSent, third.headersSent]).to.deep.equal([
      true,
      false,
      false,
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    expect([second.headersSent, third.headersSent]).to.deep.equal([true, true]);
    const answers = await Promise.all(bodies);
    expect(answers.map((a) => (a as { body: unknown }).body)).to.have.deep.members([
      { n: 1 },
      { n: 2 },
      { n: 3 },
    ]);
    expect(answers.map((a) => (a as { type: string }).type)).to.deep.equal(
      Array(3).fill("application/json; charset=utf-8"),
    );
  });

  it("should leave a held answer out when the response was answered meanwhile", async () => {
    const { responses, bodies } = await held(2);
    const [first, second] = responses as [ServerResponse, ServerResponse];
    sendJson(first, 200, { n: 1 });
    sendJson(second, 200, { n: 2 });
    // What serve.ts's guard does when the function throws after answering.
    second.writeHead(500, { "content-type": "application/json" });
    second.end(JSON.stringify({ error: "internal" }));
    await new Promise((resolve) => setImmediate(resolve));
    const [, answer] = await Promise.all(bodies);
    expect(answer).to.deep.include({ status: 500, body: { error: "internal" } });
  });

  it("should drop a held answer whose client has gone, and keep serving", async () => {
    const { responses, bodies } = await held(1);
    const [first] = responses as [ServerResponse];
    const gone = new Promise<[ServerResponse, Promise<void>]>((resolve) => {
      pending = [(res) => resolve([res, new Promise((closed) => res.on("close", closed))])];
    });
    const controller = new AbortController();
    const abandoned = fetch(url, { method: "POST", body: "{}", signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    const [second, closed] = await gone;
    controller.abort();
    await closed;
    sendJson(first, 200, { n: 1 });
    sendJson(second, 200, { n: 2 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await bodies[0]).to.deep.include({ status: 200, body: { n: 1 } });
    expect(await abandoned).to.be.instanceOf(Error);
    const next = await held(1);
    sendJson(next.responses[0] as ServerResponse, 200, { n: 3 });
    expect(await next.bodies[0]).to.deep.include({ status: 200, body: { n: 3 } });
  });

  it("should throw JSON's own error to the caller for a body it cannot write", async () => {
    const { responses, bodies } = await held(1);
    const [res] = responses as [ServerResponse];
    expect(() => sendJson(res, 200, { n: 1n })).to.throw(TypeError);
    sendJson(res, 200, { n: 1 });
    expect(await bodies[0]).to.deep.include({ status: 200, body: { n: 1 } });
  });
});
