import { expect } from "chai";
import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import { hookRequest, machine, NOW, storageClass, stored } from "../../../test/helpers/machines.ts";
import { sync } from "../hooks/sync.ts";

const classNamesOf = (response: ReturnType<typeof sync>): Record<string, unknown> =>
  Object.fromEntries(
    response.children
      .filter((c) => c.kind === "PersistentVolumeClaim")
      .map((c) => [
        c.metadata?.name,
        (c["spec"] as { storageClassName?: string }).storageClassName,
      ]),
  );

function created(object: KubeObject, at: string): KubeObject {
  return { ...object, metadata: { ...object.metadata, creationTimestamp: at } };
}

describe("sync: a disk without a storageClass", () => {
  it("should take the class the cluster marks default, whatever its name", () => {
    const parent = machine({ template: "small", disks: [{ name: "data", size: "5Gi" }] });
    const related = [storageClass("harvester-longhorn", true, true), storageClass("fast")];
    const response = sync(hookRequest(parent, { related }), NOW);
    expect(classNamesOf(response)).to.deep.equal({
      "web-data": "harvester-longhorn",
      "web-root": "harvester-longhorn",
    });
    expect(response.status.phase).to.equal("Pending");
  });

  it("should keep a named class and default only the disks that name none", () => {
    const parent = machine({
      template: "small",
      disks: [{ name: "data", size: "5Gi", storageClass: "fast" }],
    });
    const related = [storageClass("longhorn", true, true), storageClass("fast")];
    const response = sync(hookRequest(parent, { related }), NOW);
    expect(classNamesOf(response)).to.deep.equal({ "web-data": "fast", "web-root": "longhorn" });
  });

  it("should take the newest of two defaults, as Kubernetes does, and by name when as new", () => {
    const parent = machine({ template: "small" });
    const older = created(storageClass("a-old", true, true), "2026-01-01T00:00:00Z");
    const newer = created(storageClass("z-new", true, true), "2026-02-01T00:00:00Z");
    const twin = created(storageClass("b-twin", true, true), "2026-02-01T00:00:00Z");
    const response = sync(hookRequest(parent, { related: [older, newer] }), NOW);
    expect(classNamesOf(response)).to.deep.equal({ "web-root": "z-new" });
    const tied = sync(hookRequest(parent, { related: [older, newer, twin] }), NOW);
    expect(classNamesOf(tied)).to.deep.equal({ "web-root": "b-twin" });
  });

  it("should read the beta annotation too", () => {
    const beta: KubeObject = {
      ...storageClass("old-style"),
      metadata: {
        name: "old-style",
        annotations: { "storageclass.beta.kubernetes.io/is-default-class": "true" },
      },
    };
    const response = sync(hookRequest(machine({ template: "small" }), { related: [beta] }), NOW);
    expect(classNamesOf(response)).to.deep.equal({ "web-root": "old-style" });
  });

  it("should fail the Machine when no class is marked default, naming both fixes", () => {
    const notDefault = {
      ...storageClass("fast"),
      metadata: {
        name: "fast",
        annotations: { "storageclass.kubernetes.io/is-default-class": "false" },
      },
    };
    const response = sync(
      hookRequest(machine({ template: "small" }), { related: [notDefault] }),
      NOW,
    );
    expect(response.children).to.deep.equal([]);
    expect(response.status.phase).to.equal("Failed");
    expect(response.status.conditions[2]).to.include({
      type: "StorageReady",
      status: "False",
      reason: "StorageClassNotFound",
      message:
        "disk root names no StorageClass and the cluster marks none as default (field spec.template). Fix: name a class in spec.disks[] (kubectl get storageclasses), or mark one default: kubectl annotate storageclass <name> storageclass.kubernetes.io/is-default-class=true",
    });
  });

  it("should name the disk's own entry as the field when it is not the template's root", () => {
    const parent = machine({
      template: "small",
      disks: [
        { name: "root", storageClass: "fast" },
        { name: "data", size: "5Gi" },
      ],
    });
    const response = sync(hookRequest(parent, { related: [storageClass("fast")] }), NOW);
    expect(response.status.conditions[0]?.message).to.equal(
      "disk data names no StorageClass and the cluster marks none as default (field spec.disks[1].storageClass). Fix: name a class in spec.disks[] (kubectl get storageclasses), or mark one default: kubectl annotate storageclass <name> storageclass.kubernetes.io/is-default-class=true",
    );
  });

  it("should keep an existing PVC's class when the default changes, with no conflict", () => {
    const parent = machine({ template: "small" });
    const first = sync(
      hookRequest(parent, { related: [storageClass("old", true, true)] }),
      NOW,
    ).children.map((child) =>
      stored(child, child.kind === "PersistentVolumeClaim" ? { phase: "Bound" } : {}),
    );
    const related = [storageClass("old"), storageClass("new", true, true)];
    const response = sync(hookRequest(parent, { children: first, related }), NOW);
    expect(classNamesOf(response)).to.deep.equal({ "web-root": "old" });
    expect(response.status.conditions[2]).to.include({ status: "True", reason: "PVCBound" });
  });
});
