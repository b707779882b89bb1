// Preloaded (`node --import`) into a separate run of each program, never into a timed one: writes
// one line per JavaScript file the program loads, `<bytes>\t<url>`, as it loads it, to
// $BENCH_LOADS_FILE. What is in the file when the first answer arrives is what the program loaded
// before it could answer. Node's own built-in modules are not counted (they come from its binary).
import { appendFileSync, statSync } from "node:fs";
import { registerHooks } from "node:module";
import { fileURLToPath } from "node:url";

const out = process.env["BENCH_LOADS_FILE"] ?? "";

registerHooks({
  load(url, context, nextLoad) {
    const result = nextLoad(url, context);
    if (out && url.startsWith("file:")) {
      const source = result.source;
      const bytes =
        source === undefined || source === null
          ? statSync(fileURLToPath(url)).size
          : typeof source === "string"
            ? Buffer.byteLength(source)
            : source.byteLength;
      appendFileSync(out, `${bytes}\t${url}\n`);
    }
    return result;
  },
});
