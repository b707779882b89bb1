import { expect } from "chai";
import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import { cluster, hookRequest, machine, NOW, stored } from "../../../test/helpers/machines.ts";
import { sync } from "../hooks/sync.ts";

function observedPvc(spec: Record<string, unknown>): KubeObject {
  return stored(
    {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: {
        name: "web-root",
        namespace: "default",
        labels: { "vitistack.io/machine": "web" },
      },
      spec: {
        accessModes: ["ReadWriteOnce"],
        volumeMode: "Filesystem",
        storageClassName: "default",
        resources: { requests: { storage: "40Gi" } },
        volumeName: "pv-1",
        ...spec,
      },
    },
    { phase: "Bound", capacity: { storage: "40Gi" } },
  );
}

const pvcSpec = (storage: string, storageClassName = "default"): Record<string, unknown> => ({
  accessModes: ["ReadWriteOnce"],
  volumeMode: "Filesystem",
  storageClassName,
  resources: { requests: { storage } },
});

const rootSpec = (response: ReturnType<typeof sync>): unknown =>
  response.children.find((c) => c.metadata?.name === "web-root")?.["spec"];
const storage = (response: ReturnType<typeof sync>): unknown =>
  response.status.conditions.find((c) => c.type === "StorageReady");

describe("sync with an existing PVC", () => {
  const cases: {
    name: string;
    disk: Record<string, unknown>;
    observed?: Record<string, unknown>;
    spec: Record<string, unknown>;
    condition: { status: string; reason: string; message: string };
  }[] = [
    {
      name: "grow it when the disk grows and its StorageClass allows expansion",
      disk: { size: "50Gi" },
      spec: pvcSpec("50Gi"),
      condition: { status: "True", reason: "PVCBound", message: "PVC web-root bound" },
    },
    {
      name: "keep its size in the API server's spelling when the disk says the same in another",
      disk: { size: "40960Mi" },
      spec: pvcSpec("40Gi"),
      condition: { status: "True", reason: "PVCBound", message: "PVC web-root bound" },
    },
    {
      name: "never shrink it",
      disk: { size: "30Gi" },
      spec: pvcSpec("40Gi"),
      condition: {
        status: "False",
        reason: "DiskShrinkNotAllowed",
        message:
          "disk root asks for 30Gi, but PVC web-root has 40Gi and a PVC never shrinks (field spec.disks[0].size). Fix: set the size to 40Gi or more",
      },
    },
    {
      name: "not grow it when its StorageClass does not allow expansion",
      disk: { size: "50Gi", storageClass: "fixed" },
      observed: { storageClassName: "fixed" },
      spec: pvcSpec("40Gi", "fixed"),
      condition: {
        status: "False",
        reason: "VolumeExpansionNotAllowed",
        message:
          "disk root asks for 50Gi, but StorageClass fixed of PVC web-root does not allow volume expansion (field spec.disks[0].size). Fix: keep 40Gi, or set allowVolumeExpansion: true on the StorageClass",
      },
    },
    {
      name: "keep its storage class, which cannot change",
      disk: { storageClass: "fast", size: "50Gi" },
      spec: pvcSpec("40Gi"),
      condition: {
        status: "False",
        reason: "ImmutableFieldChanged",
        message:
          "disk root asks for storage class fast, but PVC web-root was created with default, which cannot change (field spec.disks[0].storageClass). Fix: set it back to default, or delete the PVC (its data is lost) so that it is created anew",
      },
    },
    {
      name: "keep its access mode",
      disk: { accessMode: "ReadWriteMany" },
      spec: pvcSpec("40Gi"),
      condition: {
        status: "False",
        reason: "ImmutableFieldChanged",
        message:
          "disk root asks for access mode ReadWriteMany, but PVC web-root was created with ReadWriteOnce, which cannot change (field spec.disks[0].accessMode). Fix: set it back to ReadWriteOnce, or delete the PVC (its data is lost) so that it is created anew",
      },
    },
    {
      name: "keep its volume mode",
      disk: { volumeMode: "Block" },
      spec: pvcSpec("40Gi"),
      condition: {
        status: "False",
        reason: "ImmutableFieldChanged",
        message:
          "disk root asks for volume mode Block, but PVC web-root was created with Filesystem, which cannot change (field spec.disks[0].volumeMode). Fix: set it back to Filesystem, or delete the PVC (its data is lost) so that it is created anew",
      },
    },
  ];
  for (const tc of cases) {
    it(`should ${tc.name}`, () => {
      const parent = machine({ template: "medium", disks: [{ name: "root", ...tc.disk }] });
      const response = sync(
        hookRequest(parent, { children: [observedPvc(tc.observed ?? {})], related: cluster() }),
        NOW,
      );
      expect(rootSpec(response)).to.deep.equal(tc.spec);
      expect(storage(response)).to.include(tc.condition);
      expect(response.status.phase).to.equal("Creating");
    });
  }

  it("should name the template as the field when a smaller template would shrink the root disk", () => {
    const response = sync(
      hookRequest(machine({ template: "small" }), {
        children: [observedPvc({})],
        related: cluster(),
      }),
      NOW,
    );
    expect(storage(response)).to.include({
      reason: "DiskShrinkNotAllowed",
      message:
        "disk root asks for 20Gi, but PVC web-root has 40Gi and a PVC never shrinks (field spec.template). Fix: set the size to 40Gi or more",
    });
  });

  it("should not need the StorageClass of a PVC that exists, only of one to create", () => {
    const parent = machine({ template: "medium", disks: [{ name: "root", storageClass: "gone" }] });
    const response = sync(
      hookRequest(parent, {
        children: [observedPvc({ storageClassName: "gone" })],
        related: cluster(),
      }),
      NOW,
    );
    expect(response.status.phase).to.equal("Creating");
    expect(storage(response)).to.include({ status: "True", reason: "PVCBound" });
  });
});
