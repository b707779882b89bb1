import { expect } from "chai";
import { thrown } from "../../test/helpers/errors.ts";
import { FeatureError } from "../basics/errors.ts";
import { ABSENT } from "../kube/reader.ts";
import type { ClusterReader } from "../kube/reader.ts";
import { snapshotReader } from "../kube/snapshot-reader.ts";
import type { KubeVirtCr } from "./kubevirt-cr.ts";
import {
  pciResourceNamesFor,
  permittedResourceNames,
  readKubeVirt,
  requirePermitted,
} from "./kubevirt-cr.ts";

const CR: KubeVirtCr = {
  apiVersion: "kubevirt.io/v1",
  kind: "KubeVirt",
  metadata: { name: "kubevirt", namespace: "kubevirt" },
  spec: {
    configuration: {
      permittedHostDevices: {
        pciHostDevices: [
          {
            pciVendorSelector: "10DE:2236",
            resourceName: "nvidia.com/GA102GL_A10",
            externalResourceProvider: true,
          },
          { pciVendorSelector: "8086:154c", resourceName: "intel.com/X710_VF" },
          { pciVendorSelector: "8086:154C", resourceName: "intel.com/X710_VF" },
        ],
        mediatedDevices: [
          { mdevNameSelector: "GRID T4-1Q", resourceName: "nvidia.com/GRID_T4-1Q" },
        ],
        usb: [
          { resourceName: "kubevirt.io/storage", selectors: [{ vendor: "46f4", product: "0001" }] },
        ],
      },
    },
  },
};

describe("permittedResourceNames", () => {
  it("should list PCI, mediated and USB resources, as virt-controller checks them", () => {
    expect(permittedResourceNames(CR)).to.deep.equal([
      "nvidia.com/GA102GL_A10",
      "intel.com/X710_VF",
      "intel.com/X710_VF",
      "nvidia.com/GRID_T4-1Q",
      "kubevirt.io/storage",
    ]);
  });
});

describe("pciResourceNamesFor", () => {
  it("should match selectors in any case, once per resource name", () => {
    expect([
      pciResourceNamesFor(CR, "10de:2236"),
      pciResourceNamesFor(CR, "8086:154c"),
      pciResourceNamesFor(CR, "1af4:1041"),
    ]).to.deep.equal([["nvidia.com/GA102GL_A10"], ["intel.com/X710_VF"], []]);
  });
});

describe("requirePermitted", () => {
  const where = { entry: "nvidia.com/TU104GL_T4", field: "metadata.annotations[x]" };

  it("should accept a permitted resource, and anything when no CR is readable", () => {
    expect(() => requirePermitted(CR, "nvidia.com/GA102GL_A10", where)).to.not.throw();
    expect(() => requirePermitted(ABSENT, "nvidia.com/TU104GL_T4", where)).to.not.throw();
  });

  it("should refuse a resource the CR does not permit, saying what to add", () => {
    const { message, field, fix } = thrown(FeatureError, () =>
      requirePermitted(CR, "nvidia.com/TU104GL_T4", where),
    );
    expect({ message, field, fix }).to.deep.equal({
      message:
        "nvidia.com/TU104GL_T4: nvidia.com/TU104GL_T4 is not in the permittedHostDevices of the KubeVirt CR kubevirt/kubevirt, so KubeVirt would not start the VM",
      field: "metadata.annotations[x]",
      fix: 'add {pciVendorSelector: "<VENDOR>:<DEVICE>", resourceName: "nvidia.com/TU104GL_T4"} to spec.configuration.permittedHostDevices.pciHostDevices of KubeVirt kubevirt/kubevirt (with externalResourceProvider: true when another device plugin serves it; mediatedDevices for a vGPU), or use a resource it permits',
    });
  });
});

describe("readKubeVirt", () => {
  const signal = AbortSignal.timeout(5_000);
  const cr = (namespace: string, created: string): KubeVirtCr => ({
    apiVersion: "kubevirt.io/v1",
    kind: "KubeVirt",
    metadata: { name: "kubevirt", namespace, creationTimestamp: created },
  });

  it("should take the oldest CR when there are several, the one virt-operator reconciles", async () => {
    const cluster = snapshotReader([
      cr("b", "2026-03-01T00:00:00Z"),
      cr("harvester-system", "2025-01-01T00:00:00Z"),
      cr("c", "2026-01-01T00:00:00Z"),
    ]);
    const found = await readKubeVirt(cluster, signal);
    expect(found === ABSENT ? found : found.metadata?.namespace).to.equal("harvester-system");
  });

  it("should answer the same CR for the same list, and leave the list as it was", async () => {
    const list = [cr("b", "2026-03-01T00:00:00Z"), cr("a", "2025-01-01T00:00:00Z")];
    const cluster: ClusterReader = {
      get: () => Promise.resolve(ABSENT),
      list: () => Promise.resolve(list),
    };
    const first = await readKubeVirt(cluster, signal);
    expect(await readKubeVirt(cluster, signal)).to.equal(first);
    expect(list.map((c) => c.metadata?.namespace)).to.deep.equal(["b", "a"]);
  });

  it("should be absent without KubeVirt's CRD or without a CR", async () => {
    expect(await readKubeVirt(snapshotReader([]), signal)).to.equal(ABSENT);
    const crdOnly = snapshotReader([
      {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: "kubevirts.kubevirt.io" },
        spec: { group: "kubevirt.io", names: { kind: "KubeVirt" } },
      },
    ]);
    expect(await readKubeVirt(crdOnly, signal)).to.equal(ABSENT);
  });
});
