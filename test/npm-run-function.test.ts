import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { servedNames } from "../functions/registry.ts";
import { admissionReview, applyResponse, virtualMachine } from "./helpers/review.ts";
import type { AdmissionReviewResponse } from "../shared/admission/types.ts";
import { postJson } from "./helpers/function-process.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("npm run function -- <name> --port <N>", () => {
  it("should build the bundle and serve the named function on that port", async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ["scripts/function.ts", "nested-virt", "--port", String(port)],
      {
        cwd: ROOT,
        env: { PATH: process.env["PATH"] ?? "", KUBECONFIG: "/nonexistent" },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        let out = "";
        child.on("exit", (code) => reject(new Error(`exited ${code}`)));
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes(`"port":${port}`)) resolve();
        });
      });
      const vm = virtualMachine({ annotations: { "vm-feature-manager.io/nested-virt": "vmx" } });
      const res = await postJson(`http://127.0.0.1:${port}/`, admissionReview(vm));
      const result = applyResponse(vm, (res.body as AdmissionReviewResponse).response);
      expect(result.spec?.template?.spec?.domain?.cpu).to.deep.equal({
        features: [{ name: "vmx", policy: "require" }],
      });
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("should check the name before building, with the name it most likely meant", () => {
    const bundle = `${ROOT}dist/main.js`;
    const built = existsSync(bundle) ? statSync(bundle).mtimeMs : undefined;
    const run = spawnSync(process.execPath, ["scripts/function.ts", "nested-virtt"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect([run.status, run.stdout, run.stderr]).to.deep.equal([
      2,
      "",
      `function: there is no function "nested-virtt"; did you mean nested-virt? (functions: ${servedNames().join(", ")})\n`,
    ]);
    // No build ran: the image's bundle is as it was (or still absent).
    expect(existsSync(bundle) ? statSync(bundle).mtimeMs : undefined).to.equal(built);
  });
});
