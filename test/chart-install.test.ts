// The chart on the real control plane (npm run cluster's kube-apiserver and etcd, built from the
// Go module proxy): helm install, a VM that asks for a feature, helm upgrade switching it off,
// helm uninstall leaving only the kept CRDs; then the release manifest with kubectl apply/delete.
// The functions and the front door run as `npm run cluster` runs them: processes on their own
// ServiceAccounts, behind the real nginx; the front door's Service is made an ExternalName to it.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import type { KubeObject } from "../scripts/cluster/api.ts";
import { ensureBinaries } from "../scripts/cluster/binaries.ts";
import type { Binaries } from "../scripts/cluster/binaries.ts";
import { ensureDist } from "../scripts/cluster/cluster.ts";
import { startControlPlane } from "../scripts/cluster/control-plane.ts";
import type { ControlPlane } from "../scripts/cluster/control-plane.ts";
import { frontDoorAddress, WEBHOOK_PORT } from "../scripts/cluster/front-door-address.ts";
import { knativeFunctions, startClusterFunction } from "../scripts/cluster/functions.ts";
import * as install from "../scripts/cluster/install.ts";
import { applyStatuses, clusterCrds } from "../scripts/cluster/upstream-crds.ts";
import { helm } from "../scripts/helm.ts";
import { CHART, NAMESPACE } from "../scripts/render/helm-template.ts";
import { RELEASE } from "../scripts/render/outputs.ts";
import type { FrontDoor } from "./helpers/front-door.ts";
import { startFrontDoor } from "./helpers/front-door.ts";
import type { RunningFunction } from "./helpers/function-process.ts";
import { HELM_BUILD_TIMEOUT_MS, renderChart } from "./helpers/chart.ts";

const EXAMPLE = "examples/nested-virt-annotation.yaml";

function run(command: string, args: string[], kubeconfig: string): string {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    env: { ...process.env, KUBECONFIG: kubeconfig },
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")}: ${result.stderr || result.stdout}`);
  return result.stdout;
}

/** Polls `check` until it returns true: webhook configurations take about a second to apply. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  let last = "";
  while (Date.now() < deadline) {
    const ok = await check().catch((error: Error) => ((last = error.message), false));
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not happen within 20 s ${last}`);
}

/** The VM's CPU features: what nested-virt adds. */
const cpuOf = (vm: KubeObject): unknown =>
  (vm["spec"] as { template?: { spec?: { domain?: { cpu?: unknown } } } }).template?.spec?.domain
    ?.cpu;

describe("the chart on the real control plane", function () {
  this.timeout(HELM_BUILD_TIMEOUT_MS);
  let dir = "";
  let binaries: Binaries;
  let plane: ControlPlane | undefined;
  let door: FrontDoor | undefined;
  let functions: RunningFunction[] = [];
  let frontDoorHost = "";
  const helmRun = (...args: string[]): string => run(helm(), args, plane?.kubeconfigPath ?? "");
  const kubectl = (...args: string[]): string =>
    run(binaries.kubectl, args, plane?.kubeconfigPath ?? "");

  before(async () => {
    helm();
    binaries = ensureBinaries();
    ensureDist();
    dir = mkdtempSync(join(tmpdir(), "chart-install-"));
    frontDoorHost = await frontDoorAddress();
    plane = await startControlPlane(binaries, dir);
    await install.installCrds(plane.admin, await clusterCrds());
    // The chart makes the rules ConfigMap itself.
    const examples = install
      .exampleClusterObjects()
      .filter((o) => !(o.kind === "ConfigMap" && o.metadata.name === "nested-virt-rules"));
    await install.applyAll(plane.admin, [...install.namespacesOf(examples), ...examples]);
    await applyStatuses(plane.admin, examples);
  });

  after(async () => {
    await Promise.all(functions.map((fn) => fn.stop()));
    await door?.stop();
    for (const running of plane?.processes ?? []) await running.stop();
    plane?.admin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The chart's functions as processes on their ServiceAccounts, routed by the front door. */
  async function startFunctions(routes: Record<string, string>): Promise<void> {
    const admin = plane as ControlPlane;
    await install.ensureDefaultServiceAccounts(admin.admin);
    const fns = knativeFunctions(renderChart());
    functions = await Promise.all(
      fns.map((fn) => startClusterFunction(fn, admin, join(dir, "functions"))),
    );
    fns.forEach((fn, i) => (routes[fn.name] = functions[i]?.url ?? ""));
  }

  /** What the API server stores for the example VM, created as a dry run. */
  async function admitted(): Promise<KubeObject> {
    const vm = parse(readFileSync(EXAMPLE, "utf8")) as KubeObject;
    return (plane as ControlPlane).admin.create(vm, "?dryRun=All");
  }

  const entries = async (): Promise<string[]> => {
    const config = await (plane as ControlPlane).admin.get<{ webhooks?: { name: string }[] }>(
      "admissionregistration.k8s.io/v1",
      "MutatingWebhookConfiguration",
      undefined,
      "vm-feature-functions",
    );
    return (config?.webhooks ?? []).map((w) => w.name);
  };

  it("should install with one helm install, and mutate the example VM as the preview says", async () => {
    // nginx reads its routes at each request: the functions join once their ServiceAccounts exist.
    const routes: Record<string, string> = {};
    door = await startFrontDoor(routes, { host: frontDoorHost, port: WEBHOOK_PORT });
    const ca = door.ca;
    helmRun(
      "install",
      NAMESPACE,
      CHART,
      "-n",
      NAMESPACE,
      "--create-namespace",
      "--set",
      "certificate.source=provided,certificate.provided.cert=unused,certificate.provided.key=unused",
      "--set-string",
      `certificate.provided.caCert=${ca}`,
      "--set",
      "machineController.enabled=true",
    );
    // No kube-proxy routes a ClusterIP here: the API server reaches nginx through an ExternalName.
    kubectl(
      "patch",
      "service",
      "vm-feature-webhooks",
      "-n",
      NAMESPACE,
      "--type=merge",
      "-p",
      JSON.stringify({
        spec: {
          type: "ExternalName",
          externalName: frontDoorHost,
          clusterIP: null,
          clusterIPs: null,
          selector: null,
        },
      }),
    );
    await startFunctions(routes);
    const preview = JSON.parse(
      run(process.execPath, ["scripts/preview.ts", EXAMPLE, "--json"], ""),
    ) as { object: KubeObject };
    await eventually("the example VM mutated", async () => {
      const stored = await admitted();
      const [got, want] = [JSON.stringify(cpuOf(stored)), JSON.stringify(cpuOf(preview.object))];
      if (got !== want) throw new Error(`stored cpu ${got}, preview ${want}`);
      return want.includes('"vmx"');
    });
  });

  it("should drop nested-virt's entry on helm upgrade --set nestedVirt.enabled=false, and admit the VM unchanged", async () => {
    helmRun(
      "upgrade",
      NAMESPACE,
      CHART,
      "-n",
      NAMESPACE,
      "--reuse-values",
      "--set",
      "nestedVirt.enabled=false",
    );
    expect(await entries()).to.not.include("nested-virt.vm-feature-manager.io");
    const vm = parse(readFileSync(EXAMPLE, "utf8")) as KubeObject;
    await eventually("the example VM admitted unchanged", async () => {
      const stored = await admitted();
      const [got, want] = [JSON.stringify(cpuOf(stored)), JSON.stringify(cpuOf(vm))];
      if (got !== want) throw new Error(`stored cpu ${got}, asked ${want}`);
      return true;
    });
  });

  it("should leave nothing of ours but the kept CRDs after helm uninstall", () => {
    helmRun("uninstall", NAMESPACE, "-n", NAMESPACE, "--wait");
    const left = kubectl(
      "get",
      "mutatingwebhookconfigurations,validatingadmissionpolicies,validatingadmissionpolicybindings,clusterroles,clusterrolebindings,customresourcedefinitions",
      "-o",
      "name",
    )
      .split("\n")
      .filter((n) => /vm-feature|cpu-labeller|vitistack/.test(n));
    expect(left).to.deep.equal([
      "customresourcedefinition.apiextensions.k8s.io/machines.vitistack.io",
      "customresourcedefinition.apiextensions.k8s.io/networkconfigurations.vitistack.io",
    ]);
    expect(
      kubectl("get", "all,configmaps,serviceaccounts", "-n", NAMESPACE, "-o", "name")
        .split("\n")
        .filter((n) => n && !n.includes("kube-root-ca") && !n.endsWith("/default")),
    ).to.deep.equal([]);
  });

  it("should apply the release manifest with kubectl apply -f and remove it with kubectl delete -f", () => {
    kubectl("apply", "-f", RELEASE);
    expect(
      kubectl("get", "mutatingwebhookconfiguration", "vm-feature-functions", "-o", "name"),
    ).to.equal("mutatingwebhookconfiguration.admissionregistration.k8s.io/vm-feature-functions\n");
    // Without a controller manager a namespace never finishes terminating: do not wait for it.
    kubectl("delete", "-f", RELEASE, "--wait=false");
    const left = kubectl(
      "get",
      "mutatingwebhookconfigurations,validatingadmissionpolicies,validatingadmissionpolicybindings,clusterroles,clusterrolebindings",
      "-o",
      "name",
    )
      .split("\n")
      .filter((n) => /vm-feature|cpu-labeller/.test(n));
    expect(left).to.deep.equal([]);
  });
});
