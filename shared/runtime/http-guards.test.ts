import { expect } from "chai";
import { PassThrough } from "node:stream";
import { answerClientError } from "./http-guards.ts";

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
