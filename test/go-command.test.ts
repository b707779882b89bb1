import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { go } from "../scripts/cluster/go-command.ts";

describe("go (the CRD builders' go command)", () => {
  it("should say in one line that go is missing, with the command it ran", async () => {
    const path = process.env["PATH"];
    process.env["PATH"] = mkdtempSync(join(tmpdir(), "no-go-"));
    try {
      const failed = await go(["version"], tmpdir(), "go version").then(
        () => "ran",
        (error: Error) => error.message,
      );
      expect(failed).to.equal(
        "go version failed: go is not on PATH (install Go 1.26 or newer: https://go.dev/dl)",
      );
    } finally {
      process.env["PATH"] = path;
    }
  });

  it("should say what failed with go's own last words", async () => {
    const failed = await go(["build", "./nothing-here"], tmpdir(), "go build ./nothing-here").then(
      () => "ran",
      (error: Error) => error.message,
    );
    expect(failed).to.equal(
      "go build ./nothing-here failed: go: go.mod file not found in current directory or any " +
        "parent directory; see 'go help modules'",
    );
    expect(failed).to.not.include("\n");
  });
});
