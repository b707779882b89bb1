import { expect } from "chai";
import { createServer, request } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Decoded } from "./decode.ts";
import { envelope } from "./envelope.ts";
import type { Endpoint, LogLine } from "./envelope.ts";
import { jsonLogger } from "./log.ts";
import { sendJson } from "./send-json.ts";

interface Greeting {
  name: string;
}

type Req = IncomingMessage & { body?: unknown };
type Call = { status: number; headers: Headers; body: unknown };

const decode = (body: unknown): Decoded<Greeting> =>
  typeof (body as Greeting | null)?.name === "string"
    ? { value: body as Greeting }
    : { error: "invalid greeting: (root) must have name" };

const greeted = (res: ServerResponse, name: string): LogLine => {
  sendJson(res, 200, { hello: name });
  return { level: "info", msg: "greeted", fields: { function: "greeter", name } };
};

// The envelope on node:http, with the JSON body parsed first as the Functions Framework does.
describe("envelope", () => {
  let server: Server;
  let url: string;
  let lines: Record<string, unknown>[];
  let refused: string[];

  async function start(
    overrides: Partial<Endpoint<Greeting, Req, ServerResponse>> = {},
  ): Promise<void> {
    const log = jsonLogger((line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    const handler = envelope<Greeting, Req, ServerResponse>({
      name: "greeter",
      methodHint: "use POST with a greeting",
      allow: "GET, HEAD, POST",
      log,
      body: {
        what: "the greeting",
        invalidCode: "invalid_greeting",
        decode,
        refused: (code, message) => refused.push(`${code}: ${message}`),
      },
      post: (value, _req, res) => greeted(res, value.name),
      ...overrides,
    });
    server = createServer((req: Req, res) => {
      let text = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (text += chunk));
      req.on("end", () => {
        if (text) req.body = isJson(req) ? JSON.parse(text) : text;
        void handler(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function call(init: RequestInit = {}, path = "/"): Promise<Call> {
    const res = await fetch(`${url}${path}`, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : "" };
  }

  const json = (body: unknown): RequestInit => ({
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify(body),
  });

  beforeEach(() => {
    lines = [];
    refused = [];
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("should answer GET with the function's health, and log nothing", async () => {
    await start();
    const answer = await call();
    expect([answer.status, answer.body]).to.deep.equal([
      200,
      { status: "ok", function: "greeter" },
    ]);
    expect(lines).to.deep.equal([]);
  });

  it("should answer HEAD as GET, with the health answer's headers and no body", async () => {
    await start();
    const answer = await call({ method: "HEAD" });
    expect([answer.status, answer.headers.get("content-type"), answer.body]).to.deep.equal([
      200,
      "application/json; charset=utf-8",
      "",
    ]);
  });

  it("should answer 405 naming the function, with its Allow header, when the method is not served", async () => {
    await start();
    const answer = await call({ method: "PUT", body: "{}" });
    expect([answer.status, answer.headers.get("allow"), answer.body]).to.deep.equal([
      405,
      "GET, HEAD, POST",
      { error: "method_not_allowed", message: "greeter: use POST with a greeting" },
    ]);
  });

  it("should answer 405 to POST when the function takes no body", async () => {
    await start({ body: undefined, post: undefined, allow: "GET, HEAD" });
    const answer = await call(json({ name: "x" }));
    expect([answer.status, answer.headers.get("allow"), answer.body]).to.deep.equal([
      405,
      "GET, HEAD",
      { error: "method_not_allowed", message: "greeter: use POST with a greeting" },
    ]);
  });

  it("should answer 400 bad_content_type when the body is not application/json", async () => {
    await start();
    const answer = await call({
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "hi",
    });
    expect([answer.status, answer.body]).to.deep.equal([
      400,
      { error: "bad_content_type", message: "greeter: send the greeting as application/json" },
    ]);
    expect(refused).to.deep.equal(["bad_content_type: send the greeting as application/json"]);
  });

  it("should answer 400 with the body's invalid code when it does not decode", async () => {
    await start();
    const answer = await call(json({ nom: "x" }));
    expect([answer.status, answer.body]).to.deep.equal([
      400,
      { error: "invalid_greeting", message: "greeter: invalid greeting: (root) must have name" },
    ]);
    expect(refused).to.deep.equal(["invalid_greeting: invalid greeting: (root) must have name"]);
  });

  it("should answer 413 body_not_allowed and close when a function that takes no body gets one", async () => {
    await start({ body: undefined, post: undefined });
    const refusedBody = await new Promise<{ status: number; connection: string; body: unknown }>(
      (resolve, reject) => {
        const req = request(url, { method: "GET", headers: { "content-length": "2" } }, (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => (text += chunk.toString()));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              connection: res.headers.connection ?? "",
              body: JSON.parse(text),
            }),
          );
        });
        req.on("error", reject);
        req.end("{}");
      },
    );
    expect(refusedBody).to.deep.equal({
      status: 413,
      connection: "close",
      body: { error: "body_not_allowed", message: "requests to this server carry no body" },
    });
  });

  it("should write the function's one log line with its duration", async () => {
    await start();
    const answer = await call(json({ name: "ada" }));
    expect([answer.status, answer.body]).to.deep.equal([200, { hello: "ada" }]);
    await until(() => lines.length > 0);
    expect(lines).to.have.length(1);
    const { time, durationMs, ...rest } = lines[0] ?? {};
    expect([typeof time, typeof durationMs]).to.deep.equal(["string", "number"]);
    expect(durationMs).to.be.at.least(0);
    expect(rest).to.deep.equal({ level: "info", msg: "greeted", function: "greeter", name: "ada" });
  });

  it("should time an answer that comes later up to the moment it is given", async () => {
    await start({
      post: async (value, _req, res) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return greeted(res, value.name);
      },
    });
    expect((await call(json({ name: "bo" }))).body).to.deep.equal({ hello: "bo" });
    await until(() => lines.length > 0);
    expect(lines).to.have.length(1);
    expect(lines[0]?.["durationMs"]).to.be.within(25, 5_000);
  });

  for (const [how, post] of [
    [
      "throws",
      (): never => {
        throw new Error("boom");
      },
    ],
    ["rejects", (): Promise<never> => Promise.reject(new Error("boom"))],
  ] as const) {
    it(`should answer 500 naming the function, never the stack, when it ${how}, and log it`, async () => {
      await start({ post });
      const answer = await call(json({ name: "x" }));
      expect([answer.status, answer.body]).to.deep.equal([
        500,
        { error: "internal", message: "greeter: the function failed: boom" },
      ]);
      await until(() => lines.length > 0);
      const { time, ...rest } = lines[0] ?? {};
      expect([typeof time, rest]).to.deep.equal([
        "string",
        {
          level: "error",
          msg: "request failed",
          function: "greeter",
          event: "internal_error",
          error: "Error: boom",
        },
      ]);
    });
  }

  it("should answer 500 with the server's own body when the reason must not reach the client", async () => {
    const internal = { error: "internal_error", message: "the request could not be answered" };
    await start({ internal, post: () => Promise.reject(new Error("secret")) });
    expect(await call(json({ name: "x" }))).to.deep.include({ status: 500, body: internal });
  });

  it("should give the screen's answer before the method is looked at", async () => {
    await start({
      screen: () => ({ status: 429, body: { error: "rate_limited", message: "slow" } }),
    });
    const answer = await call({ method: "PUT" });
    expect([answer.status, answer.body]).to.deep.equal([
      429,
      { error: "rate_limited", message: "slow" },
    ]);
  });

  it("should leave a POST that route refuses to route's own answer, undecoded", async () => {
    await start({
      route(_req, res) {
        sendJson(res, 404, { error: "unknown_hook", message: "greeter: no such path" });
        return false;
      },
    });
    const answer = await call({
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "x",
    });
    expect([answer.status, answer.body, refused]).to.deep.equal([
      404,
      { error: "unknown_hook", message: "greeter: no such path" },
      [],
    ]);
  });
});

const isJson = (req: IncomingMessage): boolean =>
  req.headers["content-type"]?.startsWith("application/json") === true;

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}
