import { expect } from "chai";
import { transportTimeouts } from "./serve.ts";

// The bad-input suite (test/reliability/bad-input.test.ts) proves the cut-off over HTTP; these
// pin the settings it relies on.
describe("transportTimeouts", () => {
  it("should give a client 10 s for its headers and 30 s for the whole request by default", () => {
    expect(transportTimeouts({})).to.deep.equal({ headersMs: 10_000, requestMs: 30_000 });
  });
  it("should read HTTP_HEADERS_TIMEOUT_MS and HTTP_REQUEST_TIMEOUT_MS", () => {
    const env = { HTTP_HEADERS_TIMEOUT_MS: "1000", HTTP_REQUEST_TIMEOUT_MS: "2000" };
    expect(transportTimeouts(env)).to.deep.equal({ headersMs: 1000, requestMs: 2000 });
  });
  it("should refuse a value that is not a positive number of milliseconds", () => {
    expect(() => transportTimeouts({ HTTP_REQUEST_TIMEOUT_MS: "soon" })).to.throw(
      'HTTP_REQUEST_TIMEOUT_MS="soon" is not a positive whole number of milliseconds',
    );
  });
});
