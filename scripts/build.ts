// Bundles the image's entry points with esbuild, everything included (the Functions Framework,
// client-node, ajv), so the image needs no node_modules at all. Bundling, minified and split per
// function, is what keeps cold start low: client-node alone takes ~700 ms to import from
// node_modules and ~200 ms from a minified chunk, and it is only loaded by functions that use it.
import { build } from "esbuild";
import type { Plugin } from "esbuild";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { namesOf } from "../functions/registry.ts";
import { fragmentSource } from "../shared/imds-sidecar/fragment-source.ts";
import { parseFragment } from "../shared/imds-sidecar/fragment.ts";

/** What the image runs besides the functions: the entry point and each sidecar's main.ts. */
export const entryPoints: Record<string, string> = {
  main: "main.ts",
  ...Object.fromEntries(namesOf("sidecar").map((name) => [name, `functions/${name}/main.ts`])),
};

/**
 * client-node's generated code (every API class, model and the serializer's type map) has no side
 * effects at load, but the package does not say so, so esbuild keeps all of it wherever any part
 * of the package is imported. Saying so for `dist/gen/` lets the reader's chunk keep only what it
 * calls: KubeConfig and its authenticators (npm run bench: about 360 kB less to load).
 */
const clientNodeGenIsPure: Plugin = {
  name: "client-node-gen-is-pure",
  setup(build) {
    // The path is worked out here rather than with build.resolve: client-node's imports are
    // relative paths with extensions, and a nested resolve for each of its thousands of imports
    // took 12 s of every build.
    build.onResolve({ filter: /^\./ }, (args) => {
      if (!args.importer.includes("/@kubernetes/client-node/dist/")) return undefined;
      const path = resolve(args.resolveDir, args.path);
      if (!path.includes("/@kubernetes/client-node/dist/gen/") || !existsSync(path))
        return undefined;
      return { path, sideEffects: false };
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

/**
 * client-node's config.js takes two names from its generated index, which re-exports every model:
 * the reader's chunk (KubeConfig alone) would then share a chunk with every model any other
 * function uses. Resolved to a module with just those two, the reader's chunk stays its own.
 * If config.js ever takes another name, the build fails on it rather than growing silently.
 */
const clientNodeConfigNarrowGen: Plugin = {
  name: "client-node-config-narrow-gen",
  setup(build) {
    build.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (args) =>
      args.importer.endsWith("/@kubernetes/client-node/dist/config.js")
        ? { path: `${dirname(args.importer)}/gen/config-imports.js`, namespace: "client-node-gen" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "client-node-gen" }, (args) => ({
      contents: [
        'export { createConfiguration } from "./configuration.js";',
        'export { ServerConfiguration } from "./servers.js";',
      ].join("\n"),
      resolveDir: dirname(args.path),
      loader: "js",
    }));
  },
};

/**
 * npm's undici (client-node's fetch transport and dispatchers) is evaluated on first use, not
 * when client-node loads: the cluster reader goes through node:https and never uses it, and it
 * was the largest single cost of a first cluster read (npm run bench). Every export of the real
 * package is a getter on a small CommonJS module that requires it the first time one is read.
 */
const lazyUndici: Plugin = {
  name: "lazy-undici",
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, (args) =>
      args.namespace === "lazy-undici"
        ? undefined
        : { path: "undici", namespace: "lazy-undici", pluginData: args.resolveDir },
    );
    build.onLoad({ filter: /.*/, namespace: "lazy-undici" }, (args) => {
      const resolveDir = String(args.pluginData);
      const names = Object.keys(createRequire(`${resolveDir}/`)("undici") as object);
      const getters = names.map(
        (name) =>
          `Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get: () => load()[${JSON.stringify(name)}] });`,
      );
      return {
        contents: [
          "let real;",
          'const load = () => (real ??= require("undici"));',
          ...getters,
        ].join("\n"),
        resolveDir,
        loader: "js",
      };
    });
  },
};

/**
 * Bakes functions/imds-server/sidecar.yaml into imds-injector's chunk: the module that reads and
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
        watchFiles: [new URL("../functions/imds-server/sidecar.yaml", import.meta.url).pathname],
      };
    });
  },
};

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

// The fragment plugin first: the first onLoad that answers for a file wins.
export const buildPlugins = [
  bakeSidecarFragment,
  inlineTextFiles,
  // Before the purity plugin, which would otherwise resolve config.js's import of the index itself.
  clientNodeConfigNarrowGen,
  clientNodeGenIsPure,
  lazyUndici,
  builtinsByRequire,
];

/** One esbuild build of `entries` into `outdir`, split into chunks where they share code. */
export async function bundle(
  outdir: string,
  entries: Record<string, string>,
  plugins: Plugin[] = [],
): Promise<void> {
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
    // Maps name files and lines (stack traces, the profile by package); the image needs no copy of
    // the sources themselves.
    sourcesContent: false,
    legalComments: "linked",
    // CommonJS dependencies inside an ES module bundle still call require() for built-ins.
    banner: {
      js: "import { createRequire as __require } from 'node:module'; const require = __require(import.meta.url);",
    },
    plugins: [...plugins, ...buildPlugins],
    logLevel: "warning",
  });
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * The image's dist/: main.js and imds-server.js, and each function as a bundle of its own in
 * functions/<name>/ (the function, the Functions Framework and start.ts, with a chunk of its own
 * for what it loads later, such as client-node). Built together, the functions shared chunks, and
 * a cold start loaded about twenty small files where it now loads two (npm run bench: ~17 ms).
 */
export async function bundleImage(outdir = "dist"): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  const { targets } = await import("../functions/targets.ts");
  await Promise.all([
    bundle(outdir, entryPoints, [imageTargets(Object.keys(targets))]),
    ...Object.keys(targets).map((name) =>
      bundle(join(outdir, "functions", name), { index: `image-function:${name}` }, [imageFunction]),
    ),
  ]);
}

/** main.js's functions/targets.ts: each target is its bundle, loaded from beside main.js. */
function imageTargets(names: string[]): Plugin {
  return {
    name: "image-targets",
    setup(esbuild) {
      esbuild.onLoad({ filter: /[\\/]functions[\\/]targets\.ts$/ }, () => ({
        contents: [
          "export const targets = {",
          ...names.map(
            (n) =>
              `  ${JSON.stringify(n)}: () => import(${JSON.stringify(`./functions/${n}/index.js`)}),`,
          ),
          "};",
          "export const loadTarget = (name) => targets[name]();",
        ].join("\n"),
        loader: "js",
      }));
      esbuild.onResolve({ filter: /^\.\/functions\/.*\/index\.js$/ }, (args) => ({
        path: args.path,
        external: true,
      }));
    },
  };
}

/** A function's bundle entry: the function's module, and start() for main.js to call. */
const imageFunction: Plugin = {
  name: "image-function",
  setup(esbuild) {
    esbuild.onResolve({ filter: /^image-function:/ }, (args) => ({
      path: args.path.slice("image-function:".length),
      namespace: "image-function",
    }));
    esbuild.onLoad({ filter: /.*/, namespace: "image-function" }, (args) => ({
      contents: [
        `import ${JSON.stringify(`${ROOT}functions/${args.path}/index.ts`)};`,
        `export { start } from ${JSON.stringify(`${ROOT}shared/runtime/start.ts`)};`,
      ].join("\n"),
      resolveDir: ROOT,
      loader: "ts",
    }));
  },
};

if (import.meta.main) {
  const { generateValidators } = await import("./generate-validators.ts");
  for (const file of await generateValidators()) process.stdout.write(`generated ${file}\n`);
  await bundleImage();
}
