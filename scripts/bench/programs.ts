// The programs the bench runs, each as its image runs it: the esbuild bundle (built afresh into a
// temporary folder), `node` with the image's environment (read from the Dockerfile's ENV, so the
// bench follows it), and Node's compile cache primed before anything is timed, as the image
// primes it at build time. The two floors are bundled and run the same way.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundle, bundleImage } from "../build.ts";
import { commonLimit, memoryLimits } from "./memory-limit.ts";
import type { Program } from "./process.ts";

const LIMITS = memoryLimits();
/** The floors run under the limit most Services set, the bare GET floor under the sidecar's. */
export const FLOOR_LIMIT_MIB = commonLimit(LIMITS);
export const SIDECAR_LIMIT_MIB = LIMITS["imds-server"] ?? FLOOR_LIMIT_MIB;

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface Workspace {
  dir: string;
  dist: string;
  floors: string;
  /** The compile cache every program shares, as the image's. */
  cache: string;
  imageEnv: Record<string, string>;
  /** Every program runs as a pod's container with this ServiceAccount mounted (inPodMounts). */
  serviceAccount?: string;
  remove(): void;
}

export async function prepare(serviceAccount?: string): Promise<Workspace> {
  const dir = mkdtempSync(join(tmpdir(), "vff-bench-"));
  const dist = join(dir, "dist");
  const floors = join(dir, "floors");
  await bundleImage(dist);
  await bundle(floors, {
    bare: `${ROOT}scripts/bench/floors/bare.ts`,
    framework: `${ROOT}scripts/bench/floors/framework.ts`,
  });
  const cache = join(dir, "compile-cache");
  const imageEnv = { ...dockerfileEnv(), NODE_COMPILE_CACHE: cache };
  return {
    dir,
    dist,
    floors,
    cache,
    imageEnv,
    ...(serviceAccount ? { serviceAccount } : {}),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The Dockerfile's ENV lines of the last stage (the image that runs), as name=value pairs. */
export function dockerfileEnv(
  text = readFileSync(`${ROOT}Dockerfile`, "utf8"),
): Record<string, string> {
  const joined = text.replace(/\\\n/g, " ");
  const lastStage = joined.slice(joined.lastIndexOf("\nFROM "));
  const env: Record<string, string> = {};
  for (const line of lastStage.split("\n")) {
    const match = /^ENV\s+(.*)$/.exec(line.trim());
    if (!match?.[1]) continue;
    for (const pair of match[1].trim().split(/\s+/)) {
      const eq = pair.indexOf("=");
      if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1).replace(/^"(.*)"$/, "$1");
    }
  }
  // The port comes from --port 0 so that runs never collide.
  delete env["PORT"];
  return env;
}

export function functionProgram(
  ws: Workspace,
  target: string,
  env: Record<string, string>,
): Program {
  return {
    args: [join(ws.dist, "main.js"), "--target", target, "--port", "0"],
    env: { ...ws.imageEnv, LOG_LEVEL: "info", ...env },
    memoryLimitMiB: LIMITS[target] ?? FLOOR_LIMIT_MIB,
    ...inPod(ws),
  };
}

export function floorProgram(
  ws: Workspace,
  floor: "bare" | "framework",
  memoryLimitMiB = FLOOR_LIMIT_MIB,
): Program {
  return {
    args: [join(ws.floors, `${floor}.js`)],
    env: { ...ws.imageEnv, PORT: "0" },
    memoryLimitMiB,
    ...inPod(ws),
  };
}

/** The metadata sidecar with its network setup off (it listens on 127.0.0.1) and no rate limit. */
export function imdsProgram(ws: Workspace): Program {
  const tokenPath = join(ws.dir, "imds-token");
  writeFileSync(tokenPath, `e30.${Buffer.from('{"exp":1900000000}').toString("base64url")}.c2ln`);
  return {
    args: [join(ws.dist, "imds-server.js")],
    memoryLimitMiB: SIDECAR_LIMIT_MIB,
    ...inPod(ws),
    env: {
      ...ws.imageEnv,
      LOG_LEVEL: "info",
      IMDS_NETWORK_SETUP: "false",
      IMDS_ADDRESS: "127.0.0.1",
      IMDS_PORT: "0",
      IMDS_TOKEN_PATH: tokenPath,
      IMDS_NAMESPACE: "vms",
      IMDS_SERVICE_ACCOUNT: "builder",
      IMDS_VM_NAME: "web-1",
      IMDS_RATE_PER_SECOND: "1000000",
      IMDS_RATE_BURST: "1000000",
    },
  };
}

// Floors and functions alike, so that each cold start pays the same namespace set-up.
function inPod(ws: Workspace): Pick<Program, "serviceAccount"> {
  return ws.serviceAccount ? { serviceAccount: ws.serviceAccount } : {};
}
