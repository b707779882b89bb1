import { expect } from "chai";
import { admissionReview } from "../helpers/review.ts";
import type { Raw } from "./raw-http.ts";
import { raw, request } from "./raw-http.ts";
import type { Running } from "./harness.ts";
import { lines, sampleExchange, startLine } from "./harness.ts";

// Bad input at the HTTP level, for every function as its container runs it: each answer is a 4xx
// with a JSON {error, message} body (or, where no answer can be parsed, a closed connection)
// within the time budget, and the function keeps serving meanwhile.

/** Tight transport timeouts, so that a slow client is cut off within the test's budget. */
const TIMEOUTS = { HTTP_HEADERS_TIMEOUT_MS: "1000", HTTP_REQUEST_TIMEOUT_MS: "2000" };
/** What the functions' own check adds to a timeout (node:http looks for expired requests every second). */
const SLACK_MS = 2_000;

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
