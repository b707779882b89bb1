import { parseArgs } from "node:util";
import { loadTarget, targets } from "./functions/targets.ts";

// The image's entry point: FUNCTION_TARGET (or --target) picks the function, PORT (or --port)
// the port, as with the Functions Framework's own CLI. --list prints the image's functions.
const { values } = parseArgs({
  options: { target: { type: "string" }, port: { type: "string" }, list: { type: "boolean" } },
  allowPositionals: false,
});
if (values.list) {
  process.stdout.write(`${Object.keys(targets).join("\n")}\n`);
  process.exit(0);
}
const target = values.target ?? process.env["FUNCTION_TARGET"] ?? "";
const port = Number(values.port ?? process.env["PORT"] ?? 8080);
if (!targets[target]) {
  process.stderr.write(
    `FUNCTION_TARGET="${target}" is not a function of this image; use one of: ${Object.keys(targets).join(", ")}\n`,
  );
  process.exit(2);
}
const { start } = await loadTarget(target);
await start(target, port);
