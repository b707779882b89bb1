// Bundles the image's entry points with esbuild, everything included (the Functions Framework,
// client-node, ajv), so the image needs no node_modules at all. Bundling, minified and split per
// function, is what keeps cold start low: client-node alone takes ~700 ms to import from
// node_modules and ~200 ms from a minified chunk, and it is only loaded by functions that use it.
import { build } from "esbuild";
import type { Plugin } from "esbuild";
import { readFileSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fragmentSource } from "../shared/imds-sidecar/fragment-source.ts";
import { parseFragment } from "../shared/imds-sidecar/fragment.ts";

export const entryPoints = { main: "main.ts", "imds-server": "functions/imds-server/main.ts" };

/**
 * Bakes knative/imds-server-sidecar.yaml into imds-injector's chunk: the module that reads and
 * parses it from source becomes one that returns the value parsed here. The fragment stays the one
 * source of the sidecar's spec; the image ships neither the file nor a YAML parser, and a cold
 * start reads no file. A fragment the injector cannot use fails the build.
 */
export const bakeSidecarFragment: Plugin = {
  name: "bake-imds-sidecar-fragment",
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]shared[\\/]imds-sidecar[\\/]fragment-source\.ts$/ }, () => {
      const fragment = fragmentSource();
      parseFragment(fragment);
      return {
        contents: `export function fragmentSource() { return ${JSON.stringify(fragment)}; }`,
        loader: "js",
        watchFiles: [new URL("../knative/imds-server-sidecar.yaml", import.meta.url).pathname],
      };
    });
  },
};

export async function bundle(outdir = "dist"): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints,
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
    // The fragment plugin first: the first onLoad that answers for a file wins.
    plugins: [bakeSidecarFragment, inlineTextFiles],
  });
}

// `readFileSync(new URL("<relative path>", import.meta.url), "utf8")`, as source files read a
// text file shipped beside them (the vbios-injection hook program): the build puts the file's
// content in its place, so the bundle needs nothing next to it.
const TEXT_FILE =
  /readFileSync\(\s*new URL\(\s*"([^"]+)",\s*import\.meta\.url\s*\),\s*"utf8",?\s*\)/g;

const inlineTextFiles: Plugin = {
  name: "inline-text-files",
  setup(build) {
    build.onLoad({ filter: /\/(functions|shared)\/.*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes("import.meta.url")) return undefined;
      const inlined = source.replace(TEXT_FILE, (_, file: string) =>
        JSON.stringify(readFileSync(resolve(dirname(args.path), file), "utf8")),
      );
      if (/readFileSync\(\s*new URL\(/.test(inlined))
        throw new Error(`${args.path}: a readFileSync(new URL(...)) the build cannot inline`);
      return { contents: inlined, loader: "ts", watchFiles: [args.path] };
    });
  },
};

if (import.meta.main) await bundle();
