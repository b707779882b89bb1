// One whole local cluster: the control plane, the product installed from knative/, every function
// on its own ServiceAccount behind the real nginx front door, and the examples' cluster objects.
// `npm run cluster` runs it in a background process; the integration tests run it in theirs.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { startFrontDoor } from "../../test/helpers/front-door.ts";
import type { FrontDoor } from "../../test/helpers/front-door.ts";
import type { RunningFunction } from "../../test/helpers/function-process.ts";
import type { KubeObject } from "./api.ts";
import { ensureBinaries, ROOT } from "./binaries.ts";
import type { Binaries } from "./binaries.ts";
import { startControlPlane } from "./control-plane.ts";
import type { ControlPlane } from "./control-plane.ts";
import { frontDoorAddress, WEBHOOK_PORT } from "./front-door-address.ts";
import { knativeFunctions, startClusterFunction } from "./functions.ts";
import * as install from "./install.ts";
import { applyStatuses, clusterCrds } from "./upstream-crds.ts";

const FRONT_DOOR_SERVICE = "vm-feature-webhooks";

export interface Cluster {
  dir: string;
  binaries: Binaries;
  plane: ControlPlane;
  frontDoor: FrontDoor;
  functions: Record<string, RunningFunction>;
  /** Stops one function: the front door then answers 502 for it, as for a pod that is gone. */
  stopFunction(name: string): Promise<void>;
  /** Starts a stopped function again, on a new token, and routes the front door to it. */
  startFunction(name: string): Promise<void>;
  /** Every process this cluster started, for a `down` that finds the daemon gone. */
  pids(): number[];
  stop(): Promise<void>;
}

/** Builds dist/ (what the image runs) when it or a function's bundle is missing. */
export function ensureDist(): void {
  const bundles = knativeFunctions().map((fn) =>
    join(ROOT, "dist", "functions", fn.name, "index.js"),
  );
  if ([join(ROOT, "dist", "main.js"), ...bundles].every((file) => existsSync(file))) return;
  const result = spawnSync(process.execPath, [join(ROOT, "scripts", "build.ts")], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error("npm run build failed; its output is above");
}

async function installProduct(plane: ControlPlane, frontDoorHost: string): Promise<void> {
  const { admin } = plane;
  const shipped = install.shippedObjects();
  const crds = shipped.filter((o) => o.kind === "CustomResourceDefinition");
  await install.installCrds(admin, [...(await clusterCrds()), ...crds]);
  const objects = shipped
    .filter((o) => o.kind !== "CustomResourceDefinition")
    .map((o) =>
      o.kind === "Service" && o.apiVersion === "v1" && o.metadata.name === FRONT_DOOR_SERVICE
        ? install.frontDoorService(o, frontDoorHost)
        : o,
    );
  await install.applyAll(admin, objects);
  await install.ensureDefaultServiceAccounts(admin);
  const examples = install.exampleClusterObjects();
  const namespaces = [...install.exampleNamespaces(), ...install.namespacesOf(examples)];
  await install.applyAll(admin, [...namespaces, ...examples]);
  await applyStatuses(admin, examples);
  await install.ensureDefaultServiceAccounts(admin);
}

async function startFunctions(
  plane: ControlPlane,
  dir: string,
  into: Record<string, RunningFunction>,
): Promise<void> {
  // Every start is awaited, failed or not, so that a failure leaves no function running unseen.
  const results = await Promise.allSettled(
    knativeFunctions().map(async (fn) => {
      into[fn.name] = await startClusterFunction(fn, plane, dir);
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

/** Waits until the API server calls the webhooks: a dry-run VM that asks for nested-virt is mutated. */
async function webhooksActive(plane: ControlPlane): Promise<void> {
  const vm: KubeObject = {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachine",
    metadata: {
      name: "webhooks-active",
      namespace: "default",
      annotations: { "vm-feature-manager.io/nested-virt": "true" },
    },
    spec: { template: { spec: { domain: { devices: {} } } } },
  };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const stored = await plane.admin.create(vm, "?dryRun=All").catch(() => vm);
    if (JSON.stringify(stored["spec"]) !== JSON.stringify(vm["spec"])) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the API server did not call the webhooks within 20 s (see the function logs)");
}

function pidsOf(
  plane: ControlPlane,
  functions: Record<string, RunningFunction>,
  frontDoor: FrontDoor,
): number[] {
  return [
    ...plane.processes.map((p) => p.child),
    ...Object.values(functions).map((f) => f.child),
    frontDoor.nginx.child,
  ]
    .map((child) => child.pid)
    .filter((pid): pid is number => pid !== undefined);
}

function restarts(
  plane: ControlPlane,
  dir: string,
  functions: Record<string, RunningFunction>,
  routes: Record<string, string>,
): Pick<Cluster, "stopFunction" | "startFunction"> {
  const known = knativeFunctions();
  return {
    stopFunction: async (name) => functions[name]?.stop(),
    startFunction: async (name) => {
      const fn = known.find((k) => k.name === name);
      if (!fn) throw new Error(`no Knative Service ${name} in knative/`);
      const running = await startClusterFunction(fn, plane, join(dir, "functions"));
      functions[name] = running;
      routes[name] = running.url;
    },
  };
}

/** Starts everything with its state under `dir`; resolves once a VM create reaches the chain. */
export async function startCluster(dir: string): Promise<Cluster> {
  const binaries = ensureBinaries();
  ensureDist();
  mkdirSync(dir, { recursive: true });
  const host = await frontDoorAddress();
  const plane = await startControlPlane(binaries, dir);
  const accounts = setInterval(
    () => void install.ensureDefaultServiceAccounts(plane.admin).catch(() => undefined),
    1000,
  );
  const stop = async (
    functions: Record<string, RunningFunction>,
    frontDoor?: FrontDoor,
  ): Promise<void> => {
    clearInterval(accounts);
    await Promise.all(Object.values(functions).map((fn) => fn.stop()));
    await frontDoor?.stop();
    for (const running of plane.processes) await running.stop();
    plane.admin.close();
  };
  const functions: Record<string, RunningFunction> = {};
  try {
    await installProduct(plane, host);
    await startFunctions(plane, join(dir, "functions"), functions);
    // The front door's ingress reads this object on every request: a restart re-routes it.
    const routes: Record<string, string> = Object.fromEntries(
      Object.entries(functions).map(([name, fn]) => [name, fn.url]),
    );
    const frontDoor = await startFrontDoor(routes, { host, port: WEBHOOK_PORT });
    const configuration = install.webhookConfiguration(
      frontDoor.ca,
      install.exampleClusterObjects(),
    );
    await plane.admin.apply(configuration);
    await webhooksActive(plane);
    return {
      dir,
      binaries,
      plane,
      frontDoor,
      functions,
      pids: () => pidsOf(plane, functions, frontDoor),
      ...restarts(plane, dir, functions, routes),
      stop: () => stop(functions, frontDoor),
    };
  } catch (error) {
    await stop(functions);
    throw error;
  }
}
