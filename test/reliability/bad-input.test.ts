import { expect } from "chai";
import { connect } from "node:net";
import { admissionReview } from "../helpers/review.ts";
import type { Running } from "./harness.ts";
import { lines, sampleExchange, startLine } from "./harness.ts";

// Bad input at the HTTP level, for every function as its container runs it: each answer is a 4xx
// with a JSON {error, message} body (or, where no answer can be parsed, a closed connection)
// within the time budget, and the function keeps serving meanwhile.

/** Tight transport timeouts, so that a slow client is cut off within the test's budget. */
const TIMEOUTS = { HTTP_HEADERS_TIMEOUT_MS: "1000", HTTP_REQUEST_TIMEOUT_MS: "2000" };
/** What the functions' own check adds to a timeout (node:http looks for expired requests every second). */
const SLACK_MS = 2_000;

interface Raw {
  status: number;
  body: string;
  elapsedMs: number;
}

/** Writes `chunks` on a plain socket, `gapMs` apart, and reads until the server closes or answers. */
function raw(url: string, chunks: readonly string[], gapMs = 0): Promise<Raw> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = "";
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parse(text), elapsedMs: Date.now() - started });
    };
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (complete(text)) done();
    });
    socket.on("close", done);
    socket.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "EPIPE" || error.code === "ECONNRESET" ? done() : reject(error),
    );
    let next = 0;
    const write = (): void => {
      if (next >= chunks.length || socket.destroyed) return;
      socket.write(chunks[next] ?? "");
      next += 1;
      timer = setTimeout(write, gapMs);
    };
    socket.on("connect", write);
  });
}

function parse(text: string): { status: number; body: string } {
  const split = text.indexOf("\r\n\r\n");
  const head = split < 0 ? text : text.slice(0, split);
  let body = split < 0 ? "" : text.slice(split + 4);
  if (/transfer-encoding: chunked/i.test(head)) body = dechunk(body);
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), body };
}

function dechunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const line = rest.indexOf("\r\n");
    const size = Number.parseInt(rest.slice(0, line), 16);
    if (line < 0 || !(size > 0)) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 4 + size);
  }
}

// An answer is complete at its Content-Length, or at the last chunk.
function complete(text: string): boolean {
  const split = text.indexOf("\r\n\r\n");
  if (split < 0) return false;
  const length = /content-length: (\d+)/i.exec(text.slice(0, split))?.[1];
  if (length !== undefined) return Buffer.byteLength(text.slice(split + 4)) >= Number(length);
  return text.endsWith("0\r\n\r\n");
}

function request(method: string, path: string, headers: Record<string, string>, body = ""): string {
  const all = { host: "127.0.0.1", "content-length": String(Buffer.byteLength(body)), ...headers };
  const lines = Object.entries(all).map(([k, v]) => `${k}: ${v}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n${body}`;
}

function expectJsonError(answer: Raw, status?: number): void {
  if (answer.status === 0) return; // closed without an answer: allowed, the client sees a reset
  expect(answer.status, answer.body).to.be.within(400, 499);
  if (status) expect(answer.status, answer.body).to.equal(status);
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  expect(body["error"]).to.be.a("string");
  expect(body["message"]).to.be.a("string");
}

const JSON_TYPE = { "content-type": "application/json" };
const deep = (levels: number): string => `${"[".repeat(levels)}${"]".repeat(levels)}`;
const DEEP_ARRAY = deep(10_000);

for (const { name, line, feature } of lines()) {
  const budgetMs = (line.clientTimeoutMs ?? Number(TIMEOUTS.HTTP_REQUEST_TIMEOUT_MS)) + SLACK_MS;
  describe(`${name} given bad input over HTTP`, () => {
    let running: Running;
    let path = "/";
    before(async () => {
      running = await startLine(name, TIMEOUTS);
      path = (await sampleExchange(running)).path;
    });
    after(() => running.stop());

    const cases: { name: string; chunks: () => string[]; status?: number }[] = [
      {
        name: "a truncated JSON body",
        chunks: () => [request("POST", path, JSON_TYPE, '{"apiVersion":"adm')],
      },
      {
        name: "a body that is not JSON",
        chunks: () => [request("POST", path, JSON_TYPE, "hello")],
      },
      {
        name: "a wrong content type",
        chunks: () => [request("POST", path, { "content-type": "text/plain" }, "{}")],
      },
      {
        name: "a 10,000-level JSON array",
        chunks: () => [request("POST", path, JSON_TYPE, DEEP_ARRAY)],
      },
      {
        name: "a body larger than the limit, before it is sent",
        chunks: () => [
          request("POST", path, { ...JSON_TYPE, "content-length": String(8 * 1024 * 1024) }),
          "x".repeat(65536),
        ],
      },
      { name: "a request line that is not HTTP", chunks: () => ["HELLO\r\n\r\n"] },
      {
        name: "oversized headers",
        chunks: () => [request("GET", path, { "x-big": "y".repeat(64 * 1024) })],
      },
    ];
    for (const tc of cases) {
      it(`should answer 4xx JSON to ${tc.name}`, async () => {
        expectJsonError(await raw(running.fn.url, tc.chunks()), tc.status);
      });
    }

    if (feature) {
      const reviewCases: { name: string; body: () => unknown; status: number }[] = [
        {
          name: "a review of another apiVersion",
          body: () => ({ ...admissionReview(null), apiVersion: "admission.k8s.io/v2" }),
          status: 400,
        },
        {
          name: "a request without uid",
          body: () => ({
            apiVersion: "admission.k8s.io/v1",
            kind: "AdmissionReview",
            request: { kind: {}, operation: "CREATE" },
          }),
          status: 400,
        },
      ];
      for (const tc of reviewCases) {
        it(`should answer ${tc.status} JSON to ${tc.name}`, async () => {
          expectJsonError(
            await raw(running.fn.url, [request("POST", "/", JSON_TYPE, JSON.stringify(tc.body()))]),
            tc.status,
          );
        });
      }

      it("should answer 400 JSON to a review whose object nests 10,000 levels deep", async () => {
        const review = JSON.stringify(
          admissionReview(running.line.admission?.sample() ?? null),
        ).replace('"spec":{', `"spec":{"deep":${DEEP_ARRAY},`);
        expectJsonError(await raw(running.fn.url, [request("POST", "/", JSON_TYPE, review)]), 400);
      });

      it("should admit a review of another kind unchanged", async () => {
        const review = admissionReview(
          {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: {
              name: "c",
              namespace: "default",
              annotations: { [feature.triggerAnnotation]: "enabled" },
            },
          },
          { kind: { group: "", version: "v1", kind: "ConfigMap" } },
        );
        const answer = await raw(running.fn.url, [
          request("POST", "/", JSON_TYPE, JSON.stringify(review)),
        ]);
        expect([answer.status, JSON.parse(answer.body)]).to.deep.equal([
          200,
          {
            apiVersion: "admission.k8s.io/v1",
            kind: "AdmissionReview",
            response: { uid: review.request.uid, allowed: true },
          },
        ]);
      });
    }

    for (const part of ["headers", "body"] as const) {
      it(`should cut off a client that sends its ${part} one byte a second, and serve others meanwhile`, async () => {
        const whole = request("POST", path, JSON_TYPE, "{}");
        const split = part === "headers" ? 20 : whole.indexOf("\r\n\r\n") + 4;
        const chunks = [whole.slice(0, split), ...whole.slice(split, -1).split("")];
        const slow = raw(running.fn.url, chunks, 1000);
        const exchange = await sampleExchange(running);
        const other = await running.send(exchange);
        exchange.healthy(other.status, other.body);
        const answer = await slow;
        expect(answer.elapsedMs).to.be.lessThan(budgetMs);
        expectJsonError(answer);
      });
    }

    it("should still serve after all of it", async () => {
      const exchange = await sampleExchange(running);
      const answer = await running.send(exchange);
      exchange.healthy(answer.status, answer.body);
    });
  });
}
