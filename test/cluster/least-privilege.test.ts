// Least privilege against the real authorizer: each function's ServiceAccount, bound by the shipped
// RBAC, may do what its page lists and nothing more (SubjectAccessReview, and kubectl auth can-i
// from the same build); the calls the functions made in the chain passed that authorizer.
import { expect } from "chai";
import { execFile } from "node:child_process";
import type { Api, KubeObject } from "../../scripts/cluster/api.ts";
import type { Cluster } from "../../scripts/cluster/cluster.ts";
import { knativeFunctions, NAMESPACE } from "../../scripts/cluster/functions.ts";
import { exampleInputs } from "../helpers/examples.ts";
import { realCluster, stopRealClusterAfterAll } from "../helpers/real-cluster.ts";
import { stored } from "./objects.ts";

stopRealClusterAfterAll();

const WRITES = ["create", "update", "patch", "delete"];
const RESOURCES: { group: string; resource: string }[] = [
  { group: "", resource: "configmaps" },
  { group: "", resource: "secrets" },
  { group: "", resource: "nodes" },
  { group: "", resource: "pods" },
  { group: "", resource: "services" },
  { group: "", resource: "serviceaccounts" },
  { group: "kubevirt.io", resource: "virtualmachines" },
  { group: "kubevirt.io", resource: "virtualmachineinstances" },
  { group: "kubevirt.io", resource: "kubevirts" },
  { group: "admissionregistration.k8s.io", resource: "mutatingwebhookconfigurations" },
  { group: "rbac.authorization.k8s.io", resource: "clusterroles" },
];

/** The writes each ServiceAccount's page lists (docs/functions/<name>.md, "Permissions"). */
const DOCUMENTED_WRITES: Record<string, string[]> = {
  "cpu-labeller": ["patch nodes"],
  "vbios-injection": ["create configmaps"],
};

async function allowed(
  api: Api,
  account: string,
  attributes: Record<string, string>,
): Promise<boolean> {
  const review = await api.ok<{ status: { allowed: boolean } }>(
    "POST",
    "/apis/authorization.k8s.io/v1/subjectaccessreviews",
    {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      spec: {
        user: `system:serviceaccount:${NAMESPACE}:${account}`,
        groups: [
          "system:serviceaccounts",
          `system:serviceaccounts:${NAMESPACE}`,
          "system:authenticated",
        ],
        resourceAttributes: attributes,
      },
    },
  );
  return review.status.allowed;
}

function canI(real: Cluster, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      real.binaries.kubectl,
      ["--kubeconfig", real.plane.kubeconfigPath, "auth", "can-i", ...args],
      (_error, stdout) => resolve(stdout.trim()),
    );
  });
}

const accounts = [
  ...new Set([...knativeFunctions().map((fn) => fn.serviceAccount), "cpu-labeller"]),
].sort();

describe("each function's ServiceAccount against the real authorizer", function () {
  this.timeout(120_000);
  let real: Cluster;

  before(async function () {
    this.timeout(300_000);
    real = await realCluster();
  });

  for (const account of accounts) {
    it(`should give ${account} no Secrets and no writes beyond its page`, async () => {
      const api = real.plane.admin;
      const secrets = await Promise.all(
        ["get", "list", "watch"].map((verb) =>
          allowed(api, account, { verb, resource: "secrets" }),
        ),
      );
      expect(secrets).to.deep.equal([false, false, false]);
      const writes: string[] = [];
      for (const { group, resource } of RESOURCES) {
        for (const verb of WRITES) {
          if (await allowed(api, account, { verb, group, resource, namespace: "default" })) {
            writes.push(`${verb} ${resource}`);
          }
        }
      }
      expect(writes).to.deep.equal(DOCUMENTED_WRITES[account] ?? []);
      expect(
        await canI(real, [
          "get",
          "secrets",
          "-A",
          `--as=system:serviceaccount:${NAMESPACE}:${account}`,
        ]),
      ).to.equal("no");
    });
  }

  it("should let vbios-injection update only its hook ConfigMap, by name", async () => {
    const api = real.plane.admin;
    const update = (name: string): Promise<boolean> =>
      allowed(api, "vbios-injection", {
        verb: "update",
        resource: "configmaps",
        namespace: "default",
        name,
      });
    expect([await update("vbios-injection-hook"), await update("phoenix-vbios")]).to.deep.equal([
      true,
      false,
    ]);
  });

  it("should have let every read and write the functions made pass: no function logged a refusal", async () => {
    const api = real.plane.admin;
    for (const { object } of exampleInputs()) {
      const created = await api.create(object as KubeObject);
      await api.ok("DELETE", `${await stored(api, created)}?gracePeriodSeconds=0`);
    }
    const refusals = Object.entries(real.functions).flatMap(([name, fn]) =>
      fn
        .stdout()
        .split("\n")
        .filter((line) => /forbidden|\b403\b|unauthorized|\b401\b/i.test(line))
        .map((line) => `${name}: ${line}`),
    );
    expect(refusals).to.deep.equal([]);
  });
});
