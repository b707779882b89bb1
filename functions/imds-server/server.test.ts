import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync, renameSync } from "node:fs";
import { request } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jsonLogger } from "../../shared/runtime/log.ts";
import { RateLimiter } from "./rate-limit.ts";
import { createImdsServer, requestPath } from "./server.ts";
import type { ImdsServerOptions } from "./server.ts";

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function jwt(claims: object): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256" })}.${part(claims)}.c2lnbmF0dXJl`;
}

function call(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: options.method ?? "GET", headers: options.headers },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

const META = { metadata: "true" };
const IDENTITY = { namespace: "vms", serviceAccountName: "builder", vmName: "web-1" };

describe("imds server", () => {
  let dir: string;
  let tokenPath: string;
  let server: Server;
  let port: number;
  const logged: string[] = [];

  async function start(overrides: Partial<ImdsServerOptions> = {}): Promise<void> {
    server = createImdsServer({
      identity: IDENTITY,
      tokenPath,
      limiter: new RateLimiter({ ratePerSecond: 1000, burst: 1000 }),
      log: jsonLogger((line) => logged.push(line)),
      ...overrides,
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "imds-"));
    tokenPath = join(dir, "token");
    writeFileSync(tokenPath, jwt({ aud: ["imds"], exp: 1_900_000_000 }));
    logged.length = 0;
    await start();
  });

  async function stop(): Promise<void> {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  afterEach(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("should answer OK as plain text when /healthz is asked without the header", async () => {
    const answer = await call(port, "/healthz");
    expect([answer.status, answer.body]).to.deep.equal([200, "OK"]);
    expect(answer.headers["content-type"]).to.equal("text/plain; charset=utf-8");
  });

  it("should return the VM's identity when /v1/identity carries Metadata: true", async () => {
    const answer = await call(port, "/v1/identity", { headers: META });
    expect(answer.status).to.equal(200);
    expect(answer.headers["content-type"]).to.equal("application/json");
    expect(JSON.parse(answer.body)).to.deep.equal(IDENTITY);
  });

  it("should return the token and its exp as RFC 3339 when the token is a JWT with exp", async () => {
    const answer = await call(port, "/v1/token", { headers: META });
    expect(answer.status).to.equal(200);
    expect(answer.headers["cache-control"]).to.equal("no-store");
    expect(JSON.parse(answer.body)).to.deep.equal({
      token: jwt({ aud: ["imds"], exp: 1_900_000_000 }),
      expirationTimestamp: "2030-03-17T17:46:40Z",
    });
  });

  it("should omit expirationTimestamp when the token has no exp claim", async () => {
    writeFileSync(tokenPath, jwt({ aud: ["imds"] }));
    const answer = await call(port, "/v1/token", { headers: META });
    expect(JSON.parse(answer.body)).to.deep.equal({ token: jwt({ aud: ["imds"] }) });
  });

  it("should serve the new token when the kubelet has swapped the file", async () => {
    const rotated = jwt({ aud: ["imds"], exp: 1_900_003_600 });
    writeFileSync(join(dir, "next"), rotated);
    renameSync(join(dir, "next"), tokenPath);
    const answer = await call(port, "/v1/token", { headers: META });
    expect(JSON.parse(answer.body)).to.deep.equal({
      token: rotated,
      expirationTimestamp: "2030-03-17T18:46:40Z",
    });
  });

  it("should answer 503 token_unavailable when the token file is missing", async () => {
    rmSync(tokenPath);
    const answer = await call(port, "/v1/token", { headers: META });
    expect(answer.status).to.equal(503);
    expect(JSON.parse(answer.body)).to.deep.equal({
      error: "token_unavailable",
      message: "the ServiceAccount token cannot be read right now",
    });
    expect(JSON.parse(logged.at(-1) ?? "{}")).to.include({
      event: "token_unavailable",
      reason: `the token file ${tokenPath} cannot be opened: ENOENT`,
    });
  });

  for (const [path, headers] of [
    ["/v1/identity", {}],
    ["/v1/token", {}],
    ["/v1/token", { metadata: "false" }],
  ] as const) {
    it(`should answer 400 metadata_header_required when ${path} has headers ${JSON.stringify(headers)}`, async () => {
      const answer = await call(port, path, { headers });
      expect(answer.status).to.equal(400);
      expect(JSON.parse(answer.body)).to.deep.equal({
        error: "metadata_header_required",
        message: "send the header Metadata: true",
      });
    });
  }

  it("should answer 400 forwarded_request when a proxy relayed the request", async () => {
    const answer = await call(port, "/v1/token", {
      headers: { ...META, "x-forwarded-for": "10.0.0.9" },
    });
    expect([answer.status, JSON.parse(answer.body)]).to.deep.equal([
      400,
      { error: "forwarded_request", message: "requests relayed by a proxy are refused" },
    ]);
  });

  it("should answer a path with dot segments as URL parsing resolves it", async () => {
    const answer = await call(port, "/v1/../v1/./identity", { headers: META });
    expect(answer.status).to.equal(200);
  });

  it("should answer 404 not_found when the path is unknown", async () => {
    const answer = await call(port, "/latest/meta-data/", { headers: META });
    expect([answer.status, JSON.parse(answer.body)]).to.deep.equal([
      404,
      { error: "not_found", message: "no endpoint at /latest/meta-data/" },
    ]);
  });

  it("should answer 405 with Allow: GET when the method is not GET", async () => {
    const answer = await call(port, "/v1/identity", { method: "DELETE", headers: META });
    expect(answer.status).to.equal(405);
    expect(answer.headers["allow"]).to.equal("GET");
    expect(JSON.parse(answer.body)).to.deep.equal({
      error: "method_not_allowed",
      message: "/v1/identity answers GET only",
    });
  });

  it("should answer 413 body_not_allowed and close when a request carries a body", async () => {
    const headers = { ...META, "content-length": "1" };
    const answer = await call(port, "/v1/identity", { headers, body: "x" });
    expect(answer.status).to.equal(413);
    expect(answer.headers["connection"]).to.equal("close");
    expect(JSON.parse(answer.body)).to.deep.equal({
      error: "body_not_allowed",
      message: "requests to this server carry no body",
    });
  });

  it("should answer 429 with Retry-After when a client exceeds its burst", async () => {
    await stop();
    await start({ limiter: new RateLimiter({ ratePerSecond: 0.5, burst: 2 }) });
    const statuses = [];
    for (let i = 0; i < 2; i++) statuses.push((await call(port, "/healthz")).status);
    const limited = await call(port, "/v1/identity", { headers: META });
    expect(statuses).to.deep.equal([200, 200]);
    expect(limited.status).to.equal(429);
    expect(limited.headers["retry-after"]).to.equal("2");
    expect(JSON.parse(limited.body)).to.deep.equal({
      error: "rate_limited",
      message: "too many requests from this address",
    });
  });

  it("should answer 431 headers_too_large as JSON when the headers exceed 4 KiB", async () => {
    const answer = await call(port, "/healthz", { headers: { "x-pad": "a".repeat(5000) } });
    expect([answer.status, JSON.parse(answer.body)]).to.deep.equal([
      431,
      { error: "headers_too_large", message: "request header fields too large" },
    ]);
  });

  it("should answer 400 bad_request as JSON when the request is not HTTP", async () => {
    const answer = await raw(port, "HELLO\r\n\r\n");
    const body = JSON.stringify({ error: "bad_request", message: "bad request" });
    expect(answer).to.equal(
      "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n" +
        `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  it("should answer 408 request_timeout when the headers do not arrive in time", async () => {
    await stop();
    await start({ headersTimeoutMs: 200 });
    const answer = await raw(port, "GET /healthz HTTP/1.1\r\nhost: x\r\n");
    expect(answer).to.match(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(answer.split("\r\n\r\n")[1]).to.equal(
      JSON.stringify({ error: "request_timeout", message: "request timeout" }),
    );
  });

  it("should answer 500 internal_error and log it when a request fails unexpectedly", async () => {
    await stop();
    const broken = {
      take: () => {
        throw new Error("boom");
      },
    } as unknown as RateLimiter;
    await start({ limiter: broken });
    const answer = await call(port, "/healthz");
    expect([answer.status, JSON.parse(answer.body)]).to.deep.equal([
      500,
      { error: "internal_error", message: "the request could not be answered" },
    ]);
    expect(JSON.parse(logged.at(-1) ?? "{}")).to.include({
      event: "internal_error",
      error: "Error: boom",
    });
  });
});

describe("requestPath", () => {
  const targets = [
    "/",
    "/v1/identity",
    "/v1/identity/",
    "/V1/Identity",
    "/v1//identity",
    "/v1/identity?x=1",
    "/v1/identity#x",
    "/v1/../healthz",
    "/v1/./token",
    "/v1/%69dentity",
    "//evil.example/v1/token",
    "http://imds/v1/token",
    "/v1/token;x",
    "/v1/ident ity",
    "",
  ];
  for (const target of targets) {
    it(`should give URL parsing's path for ${JSON.stringify(target)}`, () => {
      expect(requestPath(target)).to.equal(new URL(target, "http://imds").pathname);
    });
  }
});
