import { expect } from "chai";
import type { VmiSpec } from "../../shared/kubevirt/types.ts";
import type { NodeInfo } from "../../shared/kubevirt/placement.ts";
import { nestedCapable, nodeVendor, pinnedVendor, resolveVendor } from "./vendor.ts";

const ours = (name: string, vendor: string, nested: string): NodeInfo => ({
  name,
  labels: {
    "cpu.vm-feature-manager.io/vendor": vendor,
    "cpu.vm-feature-manager.io/virtualization": vendor === "intel" ? "vmx" : "svm",
    "cpu.vm-feature-manager.io/nested": nested,
    "kubernetes.io/hostname": name,
  },
});
const kubevirt = (name: string, vendor: "Intel" | "AMD", flag: boolean): NodeInfo => ({
  name,
  labels: {
    [`cpu-vendor.node.kubevirt.io/${vendor}`]: "true",
    ...(flag
      ? { [`cpu-feature.node.kubevirt.io/${vendor === "Intel" ? "vmx" : "svm"}`]: "true" }
      : {}),
    "kubernetes.io/hostname": name,
  },
});

describe("nodeVendor and nestedCapable", () => {
  const cases: { node: NodeInfo; vendor: string | undefined; capable: boolean }[] = [
    { node: ours("a", "intel", "true"), vendor: "intel", capable: true },
    { node: ours("b", "amd", "false"), vendor: "amd", capable: false },
    { node: ours("c", "other", "false"), vendor: undefined, capable: false },
    { node: kubevirt("d", "AMD", true), vendor: "amd", capable: true },
    { node: kubevirt("e", "Intel", false), vendor: "intel", capable: false },
    {
      node: {
        name: "f",
        labels: { ...ours("f", "intel", "true").labels, "kubevirt.io/schedulable": "false" },
      },
      vendor: "intel",
      capable: false,
    },
    { node: { name: "g", labels: {} }, vendor: undefined, capable: false },
  ];
  for (const tc of cases) {
    it(`should read node ${tc.node.name} as ${tc.vendor ?? "no vendor"}, ${tc.capable ? "capable" : "not capable"}`, () => {
      expect(nodeVendor(tc.node)).to.equal(tc.vendor);
      expect(nestedCapable(tc.node)).to.equal(tc.capable);
    });
  }

  it("should prefer cpu-labeller's labels over KubeVirt's", () => {
    const node = {
      name: "x",
      labels: { ...kubevirt("x", "Intel", true).labels, ...ours("x", "amd", "false").labels },
    };
    expect(nodeVendor(node)).to.equal("amd");
    expect(nestedCapable(node)).to.equal(false);
  });
});

describe("resolveVendor", () => {
  const intelOnly = [
    ours("i1", "intel", "true"),
    ours("i2", "intel", "true"),
    ours("a1", "amd", "false"),
  ];
  const mixed = [ours("i1", "intel", "true"), kubevirt("a1", "AMD", true)];
  const affinity = (terms: unknown[]): VmiSpec => ({
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms as never },
      },
    },
  });

  const cases: { name: string; spec?: VmiSpec; nodes: NodeInfo[]; want: string }[] = [
    { name: "every capable node is Intel", nodes: intelOnly, want: "intel" },
    {
      name: "pinned to AMD by our nodeSelector",
      spec: { nodeSelector: { "cpu.vm-feature-manager.io/vendor": "amd" } },
      nodes: mixed,
      want: "amd",
    },
    {
      name: "pinned to Intel by KubeVirt's vendor label",
      spec: { nodeSelector: { "cpu-vendor.node.kubevirt.io/Intel": "true" } },
      nodes: mixed,
      want: "intel",
    },
    {
      name: "pinned to AMD by KubeVirt's svm feature label",
      spec: { nodeSelector: { "cpu-feature.node.kubevirt.io/svm": "true" } },
      nodes: mixed,
      want: "amd",
    },
    {
      name: "pinned to a host by nodeSelector",
      spec: { nodeSelector: { "kubernetes.io/hostname": "a1" } },
      nodes: mixed,
      want: "amd",
    },
    {
      name: "pinned by required affinity on the vendor label",
      spec: affinity([
        {
          matchExpressions: [
            { key: "cpu.vm-feature-manager.io/vendor", operator: "In", values: ["amd"] },
          ],
        },
      ]),
      nodes: mixed,
      want: "amd",
    },
    {
      name: "placed by affinity on host names",
      spec: affinity([
        { matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["i1"] }] },
      ]),
      nodes: mixed,
      want: "intel",
    },
    {
      name: "placed by matchFields on the node name",
      spec: affinity([{ matchFields: [{ key: "metadata.name", operator: "In", values: ["a1"] }] }]),
      nodes: mixed,
      want: "amd",
    },
    {
      name: "kept off AMD by NotIn",
      spec: affinity([
        {
          matchExpressions: [{ key: "cpu-vendor.node.kubevirt.io/AMD", operator: "DoesNotExist" }],
        },
      ]),
      nodes: mixed,
      want: "intel",
    },
  ];
  for (const tc of cases) {
    it(`should choose ${tc.want} when ${tc.name}`, () => {
      expect(resolveVendor(tc.spec, tc.nodes)).to.equal(tc.want);
    });
  }

  it("should refuse to guess when capable nodes mix vendors, saying how to pin", () => {
    expect(() => resolveVendor(undefined, mixed))
      .to.throw("the nodes the VM may run on mix CPU vendors (amd, intel)")
      .with.property(
        "fix",
        "pin the VM to one vendor (nodeSelector cpu.vm-feature-manager.io/vendor: intel or amd), or set the annotation to vmx or svm",
      );
  });

  it("should refuse when no node the VM may use has nesting on", () => {
    expect(() =>
      resolveVendor({ nodeSelector: { "kubernetes.io/hostname": "a1" } }, intelOnly),
    ).to.throw("no node the VM may run on can run nested VMs (KVM nesting on, vendor labelled)");
  });

  it("should refuse when the cluster has no capable node at all", () => {
    expect(() => resolveVendor(undefined, [])).to.throw(/no node the VM may run on/);
  });

  // Found by test/reliability/properties.test.ts: a nodeSelector key "constructor" found
  // Object.prototype's and pinned the VM to a function (refused as "already requires undefined"),
  // and Exists on such a key matched every node.
  it("should read keys named like Object.prototype's members as plain labels", () => {
    expect(pinnedVendor({ nodeSelector: { constructor: "true", toString: "true" } })).to.equal(
      undefined,
    );
    const exists = affinity([{ matchExpressions: [{ key: "constructor", operator: "Exists" }] }]);
    expect(() => resolveVendor(exists, intelOnly)).to.throw(
      "no node the VM may run on can run nested VMs",
    );
  });

  it("should treat an affinity term without requirements as matching nothing", () => {
    expect(() => resolveVendor(affinity([{}]), intelOnly)).to.throw(/no node the VM may run on/);
  });
});
