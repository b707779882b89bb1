// Bundles the image's entry points with esbuild, everything included (the Functions Framework,
// client-node, ajv), so the image needs no node_modules at all. Bundling, minified and split per
// function, is what keeps cold start low: client-node alone takes ~700 ms to import from
// node_modules and ~200 ms from a minified chunk, and it is only loaded by functions that use it.
import { build } from "esbuild";
import { rmSync } from "node:fs";

export const entryPoints = { main: "main.ts", "imds-server": "functions/imds-server/main.ts" };

export async function bundle(
  outdir = "dist",
  entries: Record<string, string> = entryPoints,
): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: entries,
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node24",
    minify: true,
    sourcemap: "linked",
    legalComments: "linked",
    // CommonJS dependencies inside an ES module bundle still call require() for built-ins.
    banner: {
      js: "import { createRequire as __require } from 'node:module'; const require = __require(import.meta.url);",
    },
    logLevel: "warning",
  });
}

if (import.meta.main) await bundle();
