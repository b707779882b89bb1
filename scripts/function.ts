// npm run function -- <name> [--port <N>]
// Builds the image's bundle and serves one function from it over plain HTTP, exactly as the
// container does (node dist/main.js with FUNCTION_TARGET); cluster access follows KUBECONFIG.
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { targets } from "../functions/targets.ts";
import { didYouMean } from "../shared/did-you-mean.ts";
import { bundleImage } from "./build.ts";

const { values, positionals } = parseArgs({
  options: { port: { type: "string", default: "8080" } },
  allowPositionals: true,
});
const [name] = positionals;
if (!name) {
  process.stderr.write("usage: npm run function -- <name> [--port <N>]\n");
  process.exit(2);
}
// Before the build, which takes seconds: a misspelt name must not wait for it to be told.
const names = Object.keys(targets);
if (!names.includes(name)) {
  process.stderr.write(
    `function: there is no function "${name}"${didYouMean(name, names)} (functions: ${names.join(", ")})\n`,
  );
  process.exit(2);
}
const root = fileURLToPath(new URL("..", import.meta.url));
await bundleImage(`${root}/dist`);
const child = spawn(process.execPath, ["dist/main.js"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, FUNCTION_TARGET: name, PORT: values.port },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 1));
