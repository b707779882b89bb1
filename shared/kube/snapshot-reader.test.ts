import { expect } from "chai";
import type { KubeObject } from "../basics/kube-object.ts";
import { servedFakeKubeApi } from "../../test/helpers/fake-kube-api.ts";
import { connectObjects } from "./api-reads.ts";
import { connectOwned } from "./api-writes.ts";
import type { KindRef } from "./kinds.ts";
import { CONFIG_MAP, isBuiltIn, KINDS, kindName, NODE } from "./kinds.ts";
import { scopedReader } from "./reader.ts";
import { snapshotReader } from "./snapshot-reader.ts";

const PCI_DEVICE: KindRef = { apiVersion: "devices.harvesterhci.io/v1beta1", kind: "PCIDevice" };
const KUBEVIRT: KindRef = { apiVersion: "kubevirt.io/v1", kind: "KubeVirt" };
const signal = new AbortController().signal;

const objects: KubeObject[] = [
  { apiVersion: "v1", kind: "Node", metadata: { name: "n1", labels: { zone: "a", gpu: "yes" } } },
  { apiVersion: "v1", kind: "Node", metadata: { name: "n2", labels: { zone: "b" } } },
  {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "rules", namespace: "team-a" },
    data: { default: "^vm-" },
  },
  {
    apiVersion: "devices.harvesterhci.io/v1beta1",
    kind: "PCIDevice",
    metadata: { name: "n1-000001000" },
    status: { address: "0000:01:00.0", nodeName: "n1" },
  },
  {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "kubevirts.kubevirt.io" },
    spec: { group: "kubevirt.io", names: { kind: "KubeVirt", plural: "kubevirts" } },
  },
];

const names = (list: KubeObject[] | "absent"): string[] | "absent" =>
  list === "absent" ? list : list.map((o) => o.metadata?.name ?? "");

describe("snapshotReader", () => {
  const reader = snapshotReader(objects);

  it("should answer at hand, as the live reader answers from a fresh cache", () => {
    expect(reader.get(NODE, "", "n2", signal)).to.deep.equal(objects[1]);
    expect(reader.list(NODE, { labelSelector: "zone=b" }, signal)).to.deep.equal([objects[1]]);
  });

  it("should get a namespaced object by namespace and name, and a cluster-scoped one by name", async () => {
    expect(await reader.get(CONFIG_MAP, "team-a", "rules", signal)).to.deep.equal(objects[2]);
    expect(await reader.get(NODE, "", "n2", signal)).to.deep.equal(objects[1]);
    expect(await reader.get(CONFIG_MAP, "team-b", "rules", signal)).to.equal("absent");
  });

  const lists: { name: string; kind: KindRef; query: object; want: string[] | "absent" }[] = [
    { name: "every node", kind: NODE, query: {}, want: ["n1", "n2"] },
    {
      name: "a set selector",
      kind: NODE,
      query: { labelSelector: "zone in (a, c)" },
      want: ["n1"],
    },
    { name: "an inequality", kind: NODE, query: { labelSelector: "zone!=a" }, want: ["n2"] },
    { name: "a missing label", kind: NODE, query: { labelSelector: "!gpu" }, want: ["n2"] },
    {
      name: "a field selector",
      kind: NODE,
      query: { fieldSelector: "metadata.name=n2" },
      want: ["n2"],
    },
    { name: "a namespace", kind: CONFIG_MAP, query: { namespace: "team-b" }, want: [] },
    {
      name: "a custom kind the snapshot holds",
      kind: PCI_DEVICE,
      query: {},
      want: ["n1-000001000"],
    },
    { name: "a custom kind with only its CRD", kind: KUBEVIRT, query: {}, want: [] },
    {
      name: "a custom kind with neither",
      kind: { apiVersion: "vitistack.io/v1alpha1", kind: "Machine" },
      query: {},
      want: "absent",
    },
  ];
  for (const tc of lists) {
    it(`should list ${tc.name} as the API server would`, async () => {
      expect(names(await reader.list(tc.kind, tc.query, signal))).to.deep.equal(tc.want);
    });
  }

  it("should hand out copies, so a feature cannot change the snapshot", async () => {
    const node = await reader.get(NODE, "", "n1", signal);
    if (node !== "absent") node.metadata = {};
    expect(await reader.get(NODE, "", "n1", signal)).to.deep.equal(objects[0]);
  });

  it("should refuse a malformed selector with its text", async () => {
    const failed = reader.list(NODE, { fieldSelector: "metadata.name" }, signal);
    expect(failed).to.be.instanceOf(Promise);
    const error = await Promise.resolve(failed).catch((e: unknown) => e);
    expect((error as Error).message).to.equal(
      '"metadata.name" is not a field selector requirement',
    );
  });
});

describe("scopedReader", () => {
  it("should refuse a kind the feature did not declare, and pass declared ones through", async () => {
    const scoped = scopedReader(snapshotReader(objects), "nested-virt", [NODE]);
    expect(names(await scoped.list(NODE, {}, signal))).to.deep.equal(["n1", "n2"]);
    const error = await Promise.resolve(scoped.get(CONFIG_MAP, "team-a", "rules", signal)).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).to.equal(
      "nested-virt reads v1 ConfigMap without declaring it in the feature's reads",
    );
  });
});

describe("the kinds table and the offline rule for what is served", () => {
  servedFakeKubeApi();

  // The live reader asks discovery; the snapshot must answer the same for a kind no object shows.
  it("should serve every built-in kind of KINDS offline, as the API server's discovery does", async () => {
    const empty = snapshotReader([]);
    const client = await connectObjects();
    for (const kind of KINDS.filter((k) => k.builtIn)) {
      const offline = await empty.list(kind, {}, signal);
      const live = await client.list(kind, {}, signal);
      expect([kindName(kind), offline], "offline").to.deep.equal([kindName(kind), []]);
      expect([kindName(kind), live], "live").to.deep.equal([kindName(kind), []]);
    }
  });

  it("should count storage.k8s.io as built in, and a custom group as not", () => {
    expect(isBuiltIn({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass" })).to.equal(true);
    expect(isBuiltIn({ apiVersion: "v1", kind: "Node" })).to.equal(true);
    expect(isBuiltIn(KUBEVIRT)).to.equal(false);
    expect(isBuiltIn(PCI_DEVICE)).to.equal(false);
  });

  it("should refuse a write of a kind without a row, naming the table", async () => {
    const owned = await connectOwned();
    const unknown = { apiVersion: "example.com/v1", kind: "Widget" };
    const body = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } };
    const error = await owned.create(unknown, body, signal).catch((e: unknown) => e);
    expect((error as Error).message).to.equal(
      "example.com/v1 Widget is not in KINDS (shared/kube/kinds.ts); add its row",
    );
  });
});
