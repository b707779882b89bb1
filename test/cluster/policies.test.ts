// The shipped ValidatingAdmissionPolicies enforced by the real API server, on the functions' own
// ServiceAccount tokens: cpu-labeller on a token bound to a Pod on a node (as the kubelet issues
// it), vbios-injection's ConfigMap writes; and a dry run that leaves no ConfigMap behind.
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Api } from "../../scripts/cluster/api.ts";
import type { Answer, KubeObject } from "../../scripts/cluster/api.ts";
import type { Cluster } from "../../scripts/cluster/cluster.ts";
import { mountServiceAccount, NAMESPACE } from "../../scripts/cluster/functions.ts";
import { exampleInputs } from "../helpers/examples.ts";
import { manifestDocuments } from "../helpers/manifests.ts";
import { realCluster, stopRealClusterAfterAll } from "../helpers/real-cluster.ts";

stopRealClusterAfterAll();

const MERGE = "application/merge-patch+json";
const message = (answer: Answer): string => (answer.body as { message?: string }).message ?? "";

/** A client on a token of `serviceAccount`, bound to `pod` when given. */
async function tokenClient(
  real: Cluster,
  serviceAccount: string,
  pod?: { name: string; uid: string },
): Promise<Api> {
  const dir = mkdtempSync(join(tmpdir(), "token-"));
  const token = await mountServiceAccount(real.plane.admin, real.plane, {
    dir,
    namespace: NAMESPACE,
    serviceAccount,
    pod,
  });
  return new Api({ server: real.plane.server, ca: real.plane.ca, token });
}

/** cpu-labeller's DaemonSet pod, placed on `node` as the scheduler would place it. */
function labellerPod(node: string): KubeObject {
  const daemonSet = manifestDocuments().find(
    ({ doc }) => doc.kind === "DaemonSet" && doc.metadata?.name === "cpu-labeller",
  )?.doc as { spec: { template: { spec: Record<string, unknown> } } };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `cpu-labeller-${node}`, namespace: NAMESPACE },
    spec: { ...daemonSet.spec.template.spec, nodeName: node },
  };
}

describe("cpu-labeller's policy, enforced by the real API server", function () {
  this.timeout(60_000);
  let labeller: Api;
  let unbound: Api;

  before(async function () {
    this.timeout(300_000);
    const real = await realCluster();
    const pod = await real.plane.admin.create<{ metadata: { name: string; uid: string } }>(
      labellerPod("worker-intel-1"),
    );
    labeller = await tokenClient(real, "cpu-labeller", pod.metadata);
    unbound = await tokenClient(real, "cpu-labeller");
  });
  after(() => [labeller, unbound].forEach((api) => api?.close()));

  const patchNode = (api: Api, node: string, metadata: unknown): Promise<Answer> =>
    api.send("PATCH", `/api/v1/nodes/${node}`, { metadata }, MERGE);

  it("should let it set cpu. labels and cpu./pci. annotations on the node its token is bound to", async () => {
    const answer = await patchNode(labeller, "worker-intel-1", {
      labels: { "cpu.vm-feature-manager.io/policy-test": "true" },
      annotations: { "pci.vm-feature-manager.io/policy-test": "[]" },
    });
    expect(answer.status, message(answer)).to.equal(200);
  });

  it("should deny the same change on another node, with the policy's message", async () => {
    const answer = await patchNode(labeller, "worker-intel-2", {
      labels: { "cpu.vm-feature-manager.io/policy-test": "true" },
    });
    expect(answer.status).to.equal(403);
    expect(message(answer)).to.equal(
      "nodes \"worker-intel-2\" is forbidden: ValidatingAdmissionPolicy 'cpu-labeller-own-node' with binding 'cpu-labeller-own-node' denied request: cpu-labeller may change only the node its pod runs on (the node name in its token)",
    );
  });

  it("should deny any other key on its own node", async () => {
    const label = await patchNode(labeller, "worker-intel-1", {
      labels: { "kubernetes.io/os": "windows" },
    });
    expect([label.status, message(label)]).to.deep.equal([
      403,
      "nodes \"worker-intel-1\" is forbidden: ValidatingAdmissionPolicy 'cpu-labeller-own-node' with binding 'cpu-labeller-own-node' denied request: cpu-labeller may change only labels under cpu.vm-feature-manager.io/",
    ]);
    const annotation = await patchNode(labeller, "worker-intel-1", {
      annotations: { "example.com/x": "1" },
    });
    expect([annotation.status, message(annotation)]).to.deep.equal([
      403,
      "nodes \"worker-intel-1\" is forbidden: ValidatingAdmissionPolicy 'cpu-labeller-own-node' with binding 'cpu-labeller-own-node' denied request: cpu-labeller may change only its own annotations (cpu. and pci.vm-feature-manager.io/)",
    ]);
  });

  it("should deny a token bound to no pod (no node name): the policy fails closed", async () => {
    const answer = await patchNode(unbound, "worker-intel-1", {
      labels: { "cpu.vm-feature-manager.io/policy-test": "false" },
    });
    expect(answer.status).to.equal(403);
    expect(message(answer)).to.match(/cpu-labeller may change only the node its pod runs on/);
  });
});

describe("vbios-injection's ConfigMap policy and dry runs, on the real API server", function () {
  this.timeout(60_000);
  let real: Cluster;
  let vbios: Api;
  const namespace = `vbios-policy-${Date.now().toString(36)}`;
  const configMap = (name: string): KubeObject => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace },
    data: { hook: "#!/bin/sh\n" },
  });

  before(async function () {
    this.timeout(300_000);
    real = await realCluster();
    await real.plane.admin.create({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: namespace },
    });
    vbios = await tokenClient(real, "vbios-injection");
  });
  after(() => vbios?.close());

  it("should let its ServiceAccount create only the hook ConfigMap", async () => {
    const hook = await vbios.send(
      "POST",
      `/api/v1/namespaces/${namespace}/configmaps`,
      configMap("vbios-injection-hook"),
    );
    expect(hook.status, message(hook)).to.equal(201);
    const other = await vbios.send(
      "POST",
      `/api/v1/namespaces/${namespace}/configmaps`,
      configMap("other"),
    );
    expect([other.status, message(other)]).to.deep.equal([
      403,
      "configmaps \"other\" is forbidden: ValidatingAdmissionPolicy 'vm-feature-functions-vbios-injection-configmaps' with binding 'vm-feature-functions-vbios-injection-configmaps' denied request: vbios-injection may create or change only the ConfigMap vbios-injection-hook",
    ]);
  });

  it("should leave no ConfigMap behind a dry-run create of a VM that asks for a vBIOS, and write it on a real one", async () => {
    const admin = real.plane.admin;
    const rom = await admin.get<KubeObject>("v1", "ConfigMap", "default", "phoenix-vbios");
    await admin.create({ ...(rom as KubeObject), metadata: { name: "phoenix-vbios", namespace } });
    const [example] = exampleInputs().filter((e) => e.file === "vbios-injection.yaml");
    const vm = {
      ...(example?.object as KubeObject),
      metadata: { ...example?.object.metadata, namespace },
    } as KubeObject;
    const hookIn = `/api/v1/namespaces/${namespace}/configmaps/vbios-injection-hook`;
    await admin.ok("DELETE", hookIn);
    const dry = await admin.create<KubeObject>(vm, "?dryRun=All");
    expect(JSON.stringify(dry)).to.include("hooks.kubevirt.io/hookSidecars");
    expect((await admin.send("GET", hookIn)).status).to.equal(404);
    await admin.create(vm);
    expect((await admin.send("GET", hookIn)).status).to.equal(200);
  });
});
