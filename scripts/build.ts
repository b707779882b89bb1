// Bundles the image's entry points with esbuild, everything included (the Functions Framework,
// client-node, ajv), so the image needs no node_modules at all. Bundling, minified and split per
// function, is what keeps cold start low: client-node alone takes ~700 ms to import from
// node_modules and ~200 ms from a minified chunk, and it is only loaded by functions that use it.
import { build } from "esbuild";
import type { Plugin } from "esbuild";
import { rmSync } from "node:fs";
import { builtinModules } from "node:module";

export const entryPoints = { main: "main.ts", "imds-server": "functions/imds-server/main.ts" };

/**
 * client-node's generated code (every API class, model and the serializer's type map) has no side
 * effects at load, but the package does not say so, so esbuild keeps all of it wherever any part
 * of the package is imported. Saying so for `dist/gen/` lets the reader's chunk keep only what it
 * calls: KubeConfig and its authenticators (npm run bench: about 360 kB less to load).
 */
const clientNodeGenIsPure: Plugin = {
  name: "client-node-gen-is-pure",
  setup(build) {
    build.onResolve({ filter: /^\./ }, async (args) => {
      if (args.pluginData === "pure" || !args.importer.includes("/@kubernetes/client-node/dist/"))
        return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: "pure",
      });
      const generated = resolved.path.includes("/@kubernetes/client-node/dist/gen/");
      return generated ? { ...resolved, sideEffects: false } : resolved;
    });
  },
};

const BUILTIN = new RegExp(
  `^(node:.*|${builtinModules.map((m) => m.replace(/[/]/g, "\\/")).join("|")})$`,
);

/**
 * Built-in modules are taken with require(), never imported as ES modules: an ES import of a
 * built-in builds a facade that reads every export, and reading node:http's runs its lazy
 * getters, which load Node's internal undici (about 10 ms of a cold start, npm run bench).
 */
const builtinsByRequire: Plugin = {
  name: "builtins-by-require",
  setup(build) {
    build.onResolve({ filter: BUILTIN }, (args) =>
      args.namespace === "builtin"
        ? { path: args.path, external: true }
        : { path: args.path, namespace: "builtin" },
    );
    build.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

export const buildPlugins = [clientNodeGenIsPure, builtinsByRequire];

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
    plugins: buildPlugins,
    logLevel: "warning",
  });
}

if (import.meta.main) {
  const { generateValidators } = await import("./generate-validators.ts");
  for (const file of await generateValidators()) process.stdout.write(`generated ${file}\n`);
  await bundle();
}
