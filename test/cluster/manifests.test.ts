// The shipped manifests against the real API server: each applies with server-side apply, and the
// Machine and NetworkConfiguration CRDs accept every example and refuse malformed objects with the
// API server's own messages (their CEL rules compiled within its cost budget, or they would not
// have been created at all).
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { Api, KubeObject } from "../../scripts/cluster/api.ts";
import { shippedObjects } from "../../scripts/cluster/install.ts";
import { EXAMPLES, MACHINE_EXAMPLES } from "../helpers/examples.ts";
import { machine, networkConfiguration } from "../helpers/machines.ts";
import { realCluster, stopRealClusterAfterAll } from "../helpers/real-cluster.ts";

stopRealClusterAfterAll();

const example = (file: string): KubeObject =>
  parse(readFileSync(`${EXAMPLES}${file}`, "utf8")) as KubeObject;

async function dryRunApply(api: Api, object: KubeObject): Promise<string> {
  const { apiVersion, kind, metadata } = object;
  const path = await api.path(apiVersion, kind, metadata.namespace, metadata.name);
  const answer = await api.send(
    "PATCH",
    // The installer's own field manager, as a user re-running `kubectl apply --server-side`.
    `${path}?fieldManager=npm-run-cluster&dryRun=All`,
    object,
    "application/apply-patch+yaml",
  );
  return `${answer.status} ${(answer.body as { message?: string }).message ?? ""}`;
}

async function dryRunCreate(
  api: Api,
  object: KubeObject,
): Promise<{ status: number; message: string }> {
  const path = await api.path(
    object.apiVersion,
    object.kind,
    object.metadata.namespace ?? "default",
  );
  const answer = await api.send("POST", `${path}?dryRun=All`, object);
  return { status: answer.status, message: (answer.body as { message?: string }).message ?? "" };
}

describe("the shipped manifests on the real API server", function () {
  this.timeout(60_000);
  let api: Api;

  before(async function () {
    this.timeout(300_000);
    api = (await realCluster()).plane.admin;
  });

  it("should apply every object of knative/ with server-side apply", async () => {
    const statuses: Record<string, string> = {};
    for (const object of shippedObjects()) {
      const key = `${object.kind} ${object.metadata.namespace ?? ""}/${object.metadata.name ?? ""}`;
      statuses[key] = await dryRunApply(api, object);
    }
    expect(
      Object.entries(statuses).filter(([, status]) => !status.startsWith("200 ")),
    ).to.deep.equal([]);
  });

  for (const file of MACHINE_EXAMPLES) {
    it(`should accept examples/${file}.yaml as a Machine`, async () => {
      expect(await dryRunCreate(api, example(`${file}.yaml`))).to.deep.equal({
        status: 201,
        message: "",
      });
    });
  }

  it("should accept the NetworkConfigurations of examples/machine-cluster.yaml", async () => {
    const items = (
      example("machine-cluster.yaml") as unknown as { items: KubeObject[] }
    ).items.filter((i) => i.kind === "NetworkConfiguration");
    expect(items).to.have.length(3);
    for (const item of items)
      expect(await dryRunCreate(api, item)).to.deep.equal({ status: 201, message: "" });
  });

  const machineCases: { name: string; spec: unknown; machineName?: string; message: string }[] = [
    {
      name: "an unknown template",
      spec: { template: "huge" },
      message:
        'Machine.vitistack.io "web" is invalid: [spec.template: Unsupported value: "huge": supported values: "small", "medium", "large", <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]',
    },
    {
      name: "no template",
      spec: {},
      message:
        'Machine.vitistack.io "web" is invalid: [spec.template: Required value, <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]',
    },
    {
      name: "a size that is no quantity",
      spec: { template: "small", disks: [{ name: "d", size: "10GB" }] },
      message:
        'Machine.vitistack.io "web" is invalid: spec.disks[0].size: Invalid value: "10GB": spec.disks[0].size in body should match \'^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$\'',
    },
    {
      name: "a disk with two sources",
      spec: {
        template: "small",
        disks: [{ name: "root", source: { blank: {}, registry: { url: "docker://x/y" } } }],
      },
      message:
        'Machine.vitistack.io "web" is invalid: spec.disks[0].source: Invalid value: set exactly one of http, registry, pvc and blank',
    },
    {
      name: "a registry source that is not docker:// or oci-archive://",
      spec: {
        template: "small",
        disks: [{ name: "root", source: { registry: { url: "quay.io/fedora" } } }],
      },
      message:
        'Machine.vitistack.io "web" is invalid: spec.disks[0].source.registry.url: Invalid value: "quay.io/fedora": spec.disks[0].source.registry.url in body should match \'^(docker|oci-archive)://\'',
    },
    {
      name: "a name over 63 characters",
      spec: { template: "small" },
      machineName: "m".repeat(64),
      message: `Machine.vitistack.io "${"m".repeat(64)}" is invalid: <nil>: Invalid value: a Machine's name is its VM's and a label value: at most 63 characters`,
    },
  ];
  for (const tc of machineCases) {
    it(`should refuse a Machine with ${tc.name}, in the API server's words`, async () => {
      const object = machine(tc.spec, tc.machineName ? { name: tc.machineName } : {}) as KubeObject;
      const answer = await dryRunCreate(api, object);
      expect(answer).to.deep.equal({ status: 422, message: tc.message });
    });
  }

  const networkCases: { name: string; spec: Record<string, unknown>; message: string }[] = [
    {
      name: "both multus and pod",
      spec: { multus: { networkName: "a" }, pod: {} },
      message:
        'NetworkConfiguration.vitistack.io "n" is invalid: spec: Invalid value: set at most one of multus and pod',
    },
    {
      name: "masquerade on a Multus network",
      spec: { multus: { networkName: "a" }, binding: "masquerade" },
      message:
        'NetworkConfiguration.vitistack.io "n" is invalid: spec: Invalid value: masquerade works on the pod network only',
    },
    {
      name: "neither multus, pod, vlan nor bridge",
      spec: { description: "nothing" },
      message:
        'NetworkConfiguration.vitistack.io "n" is invalid: spec: Invalid value: set multus, pod, or vlan and/or bridge',
    },
    {
      name: "VLAN 0",
      spec: { vlan: 0 },
      message:
        'NetworkConfiguration.vitistack.io "n" is invalid: spec.vlan: Invalid value: 0: spec.vlan in body should be greater than or equal to 1',
    },
    {
      name: "a bridge name with a space",
      spec: { bridge: "br 0" },
      message:
        'NetworkConfiguration.vitistack.io "n" is invalid: spec.bridge: Invalid value: "br 0": spec.bridge in body should match \'^[^/:\\s]+$\'',
    },
    {
      name: "the bridge ..",
      spec: { bridge: ".." },
      message:
        'NetworkConfiguration.vitistack.io "n" is invalid: spec: Invalid value: bridge must be a Linux interface name, not . or ..',
    },
    {
      name: "a VLAN out of range",
      spec: { pod: {}, vlan: 4095 },
      message:
        'NetworkConfiguration.vitistack.io "n" is invalid: spec.vlan: Invalid value: 4095: spec.vlan in body should be less than or equal to 4094',
    },
  ];
  for (const tc of networkCases) {
    it(`should refuse a NetworkConfiguration with ${tc.name}, in the API server's words`, async () => {
      const answer = await dryRunCreate(api, networkConfiguration("n", tc.spec) as KubeObject);
      expect(answer).to.deep.equal({ status: 422, message: tc.message });
    });
  }
});
