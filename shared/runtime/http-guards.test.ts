import { expect } from "chai";
import { PassThrough } from "node:stream";
import { answerClientError, nestsDeeperThan } from "./http-guards.ts";

describe("nestsDeeperThan", () => {
  const nested = (levels: number): unknown =>
    JSON.parse(`${"[".repeat(levels)}${"]".repeat(levels)}`);
  const cases = [
    { name: "a scalar", value: "x", max: 0, want: false },
    { name: "an object at the limit", value: { a: { b: {} } }, max: 3, want: false },
    { name: "an object past the limit", value: { a: { b: {} } }, max: 2, want: true },
    // Found by test/reliability/bad-input.test.ts: such a review overflowed the stack in the core.
    { name: "a 10,000-level array", value: nested(10_000), max: 512, want: true },
    {
      name: "a wide but shallow object",
      value: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [i, [i]])),
      max: 2,
      want: false,
    },
    // JSON.parse makes "__proto__" an own member, which is walked like any other.
    {
      name: "a __proto__ member past the limit",
      value: JSON.parse('{"__proto__":{"a":{}}}'),
      max: 2,
      want: true,
    },
    { name: "an array inside an object past the limit", value: { a: [[{}]] }, max: 3, want: true },
  ];
  for (const tc of cases) {
    it(`should say ${String(tc.want)} for ${tc.name}`, () => {
      expect(nestsDeeperThan(tc.value, tc.max)).to.equal(tc.want);
    });
  }
});

describe("answerClientError", () => {
  // Found by test/reliability/bad-input.test.ts: node:http answers these with an empty body.
  const cases = [
    {
      code: "HPE_HEADER_OVERFLOW",
      status: "431 Request Header Fields Too Large",
      error: "headers_too_large",
    },
    { code: "ERR_HTTP_REQUEST_TIMEOUT", status: "408 Request Timeout", error: "request_timeout" },
    { code: "HPE_INVALID_METHOD", status: "400 Bad Request", error: "bad_request" },
  ];
  for (const tc of cases) {
    it(`should answer ${tc.code} with ${tc.status} and a JSON body, then close`, async () => {
      const socket = new PassThrough();
      let written = "";
      socket.on("data", (chunk: Buffer) => (written += chunk.toString()));
      const ended = new Promise((resolve) => socket.on("end", resolve));
      answerClientError(Object.assign(new Error("x"), { code: tc.code }), socket);
      await ended;
      const [head, body] = written.split("\r\n\r\n");
      expect(head?.split("\r\n")[0]).to.equal(`HTTP/1.1 ${tc.status}`);
      expect(head).to.include("connection: close");
      expect(JSON.parse(body ?? "")).to.have.property("error", tc.error);
    });
  }
});
