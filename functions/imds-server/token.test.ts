import { expect } from "chai";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_TOKEN_BYTES, readToken, TokenUnavailable, tokenExpiry } from "./token.ts";

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("imds-server token", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "imds-token-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function rejection(path: string): Promise<unknown> {
    return readToken(path).then(
      () => new Error("readToken resolved"),
      (error: unknown) => error,
    );
  }

  it("should give exp as a UTC RFC 3339 time when the payload has a numeric exp", () => {
    expect(tokenExpiry(`h.${encode({ exp: 1_700_000_000 })}.s`)).to.equal("2023-11-14T22:13:20Z");
  });

  for (const [label, token] of [
    ["the token has no payload", "opaque-token"],
    ["the payload is not base64url JSON", "h.@@@.s"],
    ["the payload is JSON null", `h.${encode(null)}.s`],
    ["exp is a string", `h.${encode({ exp: "1700000000" })}.s`],
    ["exp is out of Date's range", `h.${encode({ exp: 1e20 })}.s`],
  ] as const) {
    it(`should give no expiry when ${label}`, () => {
      expect(tokenExpiry(token)).to.equal(undefined);
    });
  }

  it("should trim the trailing newline when the file ends with one", async () => {
    const path = join(dir, "token");
    writeFileSync(path, "opaque\n");
    expect(await readToken(path)).to.deep.equal({ token: "opaque" });
  });

  it("should refuse an empty file when the token has not been written", async () => {
    const path = join(dir, "token");
    writeFileSync(path, "\n");
    const error = await rejection(path);
    expect(error).to.be.instanceOf(TokenUnavailable);
    expect((error as Error).message).to.equal(`the token file ${path} is empty`);
  });

  it("should refuse a file larger than the bound when it cannot be a token", async () => {
    const path = join(dir, "token");
    writeFileSync(path, "a".repeat(MAX_TOKEN_BYTES + 1));
    expect(((await rejection(path)) as Error).message).to.equal(
      `the token file ${path} exceeds ${MAX_TOKEN_BYTES} bytes`,
    );
  });

  it("should name the read error when the path is a directory", async () => {
    const path = join(dir, "token");
    mkdirSync(path);
    const error = await rejection(path);
    expect(error).to.be.instanceOf(TokenUnavailable);
    expect((error as Error).message).to.equal(`the token file ${path} cannot be read: EISDIR`);
  });
});
