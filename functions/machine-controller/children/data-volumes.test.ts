import { expect } from "chai";
import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import {
  cluster,
  dataVolume,
  hookRequest,
  machine,
  NOW,
  storageClass,
  stored,
  vmi,
  WEB_LABELS,
} from "../../../test/helpers/machines.ts";
import { customize } from "../hooks/customize.ts";
import { sync } from "../hooks/sync.ts";

const FEDORA = { registry: { url: "docker://quay.io/containerdisks/fedora:41" } };
const DEBIAN = {
  http: {
    url: "https://cloud.debian.org/images/cloud/trixie/latest/debian-13-generic-amd64.qcow2",
    secretRef: "mirror-auth",
    certConfigMap: "mirror-ca",
  },
};

function template(disk: string, source: unknown, storage: Record<string, unknown>): unknown {
  return {
    metadata: { name: `web-${disk}`, labels: { ...WEB_LABELS, "vitistack.io/disk": disk } },
    spec: {
      source,
      storage: {
        accessModes: ["ReadWriteOnce"],
        volumeMode: "Filesystem",
        storageClassName: "default",
        ...storage,
      },
    },
  };
}

const onImage = (source: unknown, more: Record<string, unknown> = {}): ReturnType<typeof machine> =>
  machine({ template: "small", disks: [{ name: "root", source, ...more }] });

function vmSpecOf(response: ReturnType<typeof sync>): {
  dataVolumeTemplates?: unknown[];
  template: { spec: { volumes: unknown[] } };
} {
  const vm = response.children.find((c) => c.kind === "VirtualMachine");
  if (!vm) throw new Error("no VirtualMachine in the answer");
  return vm["spec"] as ReturnType<typeof vmSpecOf>;
}

const storage = (response: ReturnType<typeof sync>): unknown =>
  response.status.conditions.find((c) => c.type === "StorageReady");

describe("sync: a disk with a source", () => {
  it("should become a dataVolumeTemplates entry the VM's volume names, not a PVC child", () => {
    const response = sync(hookRequest(onImage(FEDORA), { related: cluster() }), NOW);
    expect(response.children.map((c) => c.kind)).to.deep.equal(["VirtualMachine"]);
    const spec = vmSpecOf(response);
    expect(spec.dataVolumeTemplates).to.deep.equal([
      template("root", FEDORA, { resources: { requests: { storage: "20Gi" } } }),
    ]);
    expect(spec.template.spec.volumes).to.deep.equal([
      { name: "root", dataVolume: { name: "web-root" } },
    ]);
    expect(Object.keys(spec)).to.deep.equal(["runStrategy", "dataVolumeTemplates", "template"]);
  });

  it("should map every CDI source as given, with the disk's size, class and modes", () => {
    const parent = machine({
      template: "medium",
      disks: [
        { name: "root", source: DEBIAN, storageClass: "fast", volumeMode: "Block" },
        { name: "copy", size: "10Gi", source: { pvc: { namespace: "golden", name: "win11" } } },
        { name: "scratch", size: "1Ti", source: { blank: {} }, accessMode: "ReadWriteMany" },
        { name: "plain", size: "5Gi" },
      ],
    });
    const response = sync(hookRequest(parent, { related: cluster() }), NOW);
    expect(vmSpecOf(response).dataVolumeTemplates).to.deep.equal([
      template("root", DEBIAN, {
        volumeMode: "Block",
        storageClassName: "fast",
        resources: { requests: { storage: "40Gi" } },
      }),
      template(
        "copy",
        { pvc: { namespace: "golden", name: "win11" } },
        { resources: { requests: { storage: "10Gi" } } },
      ),
      template(
        "scratch",
        { blank: {} },
        { accessModes: ["ReadWriteMany"], resources: { requests: { storage: "1Ti" } } },
      ),
    ]);
    expect(vmSpecOf(response).template.spec.volumes).to.deep.equal([
      { name: "root", dataVolume: { name: "web-root" } },
      { name: "copy", dataVolume: { name: "web-copy" } },
      { name: "scratch", dataVolume: { name: "web-scratch" } },
      { name: "plain", persistentVolumeClaim: { claimName: "web-plain" } },
    ]);
    expect(response.children.map((c) => c.metadata?.name)).to.deep.equal(["web", "web-plain"]);
  });

  it("should give a sourced disk without a class the cluster's default class", () => {
    const related = [storageClass("harvester-longhorn", true, true)];
    const response = sync(hookRequest(onImage(FEDORA), { related }), NOW);
    expect(vmSpecOf(response).dataVolumeTemplates).to.deep.equal([
      template("root", FEDORA, {
        storageClassName: "harvester-longhorn",
        resources: { requests: { storage: "20Gi" } },
      }),
    ]);
  });

  it("should ask customize for the DataVolumes of sourced disks only, by name", () => {
    const parent = machine({
      template: "small",
      disks: [
        { name: "root", source: FEDORA },
        { name: "data", size: "1Gi" },
      ],
    });
    expect(customize(parent).relatedResources).to.deep.include({
      apiVersion: "cdi.kubevirt.io/v1beta1",
      resource: "datavolumes",
      namespace: "default",
      names: ["web-root"],
    });
    const plain = customize(machine({ template: "small" })).relatedResources;
    expect(plain.map((r) => r.resource)).to.not.include("datavolumes");
  });

  it("should answer byte for byte the same for the same request", () => {
    const request = (): ReturnType<typeof hookRequest> =>
      hookRequest(onImage(DEBIAN), { related: cluster() });
    expect(JSON.stringify(sync(request(), NOW))).to.equal(JSON.stringify(sync(request(), NOW)));
  });
});

describe("sync: the phase table with DataVolume phases", () => {
  const first = sync(hookRequest(onImage(FEDORA), { related: cluster() }), NOW);
  const vm = stored(first.children[0] as KubeObject);
  const spec = { source: FEDORA, storage: {} };
  const cases: {
    name: string;
    dataVolume?: KubeObject;
    instance?: KubeObject;
    phase: string;
    condition: { status: string; reason: string; message: string };
  }[] = [
    {
      name: "no DataVolume yet",
      phase: "Creating",
      condition: {
        status: "False",
        reason: "DataVolumePending",
        message: "DataVolume web-root is not created yet",
      },
    },
    {
      name: "ImportScheduled",
      dataVolume: dataVolume("web-root", spec, { phase: "ImportScheduled", progress: "N/A" }),
      phase: "Creating",
      condition: {
        status: "False",
        reason: "DataVolumePending",
        message: "DataVolume web-root is ImportScheduled",
      },
    },
    {
      name: "ImportInProgress with its progress",
      dataVolume: dataVolume("web-root", spec, { phase: "ImportInProgress", progress: "45.50%" }),
      phase: "Creating",
      condition: {
        status: "False",
        reason: "DataVolumeImporting",
        message: "DataVolume web-root is importing: 45.50%",
      },
    },
    {
      name: "an import that retries, with CDI's reason",
      dataVolume: dataVolume("web-root", spec, {
        phase: "ImportInProgress",
        progress: "N/A",
        restartCount: 2,
        conditions: [
          {
            type: "Running",
            status: "False",
            reason: "Error",
            message: "Unable to connect to http data source",
          },
        ],
      }),
      phase: "Creating",
      condition: {
        status: "False",
        reason: "DataVolumeImporting",
        message: "DataVolume web-root is importing (Error: Unable to connect to http data source)",
      },
    },
    {
      name: "Failed, with the reason CDI gives",
      dataVolume: dataVolume("web-root", spec, {
        phase: "Failed",
        conditions: [
          {
            type: "Running",
            status: "False",
            reason: "ImagePullFailed",
            message: "manifest unknown",
          },
        ],
      }),
      phase: "Failed",
      condition: {
        status: "False",
        reason: "DataVolumeFailed",
        message: "DataVolume web-root failed (ImagePullFailed: manifest unknown)",
      },
    },
    {
      name: "Succeeded, the VM running",
      dataVolume: dataVolume("web-root", spec, {
        phase: "Succeeded",
        progress: "100.0%",
        conditions: [{ type: "Running", status: "False", reason: "Completed", message: "done" }],
      }),
      instance: vmi("web", "Running", { nodeName: "n1" }),
      phase: "Running",
      condition: { status: "True", reason: "PVCBound", message: "DataVolume web-root filled" },
    },
  ];
  for (const tc of cases) {
    it(`should report ${tc.name}`, () => {
      const related = cluster(
        ...(tc.dataVolume ? [tc.dataVolume] : []),
        ...(tc.instance ? [tc.instance] : []),
      );
      const response = sync(hookRequest(onImage(FEDORA), { children: [vm], related }), NOW);
      expect(response.status.phase).to.equal(tc.phase);
      expect(storage(response)).to.include({ type: "StorageReady", ...tc.condition });
    });
  }

  it("should list PVCs and DataVolumes apart once all are ready", () => {
    const parent = machine({
      template: "small",
      disks: [
        { name: "root", source: FEDORA },
        { name: "data", size: "1Gi" },
      ],
    });
    const made = sync(hookRequest(parent, { related: cluster() }), NOW).children.map((c) =>
      stored(c, c.kind === "PersistentVolumeClaim" ? { phase: "Bound" } : {}),
    );
    const related = cluster(dataVolume("web-root", spec, { phase: "Succeeded" }));
    const response = sync(hookRequest(parent, { children: made, related }), NOW);
    expect(storage(response)).to.include({
      status: "True",
      message: "PVC web-data bound; DataVolume web-root filled",
    });
  });
});

describe("sync: a disk's source never changes", () => {
  const before = sync(hookRequest(onImage(FEDORA), { related: cluster() }), NOW);
  const vm = stored(before.children[0] as KubeObject);
  const kept = vmSpecOf(before).dataVolumeTemplates;
  const imported = dataVolume("web-root", { source: FEDORA, storage: {} }, { phase: "Succeeded" });

  it("should keep the DataVolume and refuse another source, naming the field", () => {
    const related = cluster(imported);
    const response = sync(hookRequest(onImage(DEBIAN), { children: [vm], related }), NOW);
    expect(vmSpecOf(response).dataVolumeTemplates).to.deep.equal(kept);
    expect(response.status.phase).to.equal("Creating");
    expect(storage(response)).to.include({
      status: "False",
      reason: "DiskSourceChanged",
      message:
        "disk root asks for http https://cloud.debian.org/images/cloud/trixie/latest/debian-13-generic-amd64.qcow2, but DataVolume web-root was filled from registry docker://quay.io/containerdisks/fedora:41, and a disk's source cannot change (field spec.disks[0].source). Fix: set the source back, or delete DataVolume web-root (its data is lost) so that the disk is imported anew",
    });
  });

  it("should keep the DataVolume when the source is taken away", () => {
    const parent = machine({ template: "small" });
    const response = sync(hookRequest(parent, { children: [vm], related: cluster() }), NOW);
    expect(vmSpecOf(response).dataVolumeTemplates).to.deep.equal(kept);
    expect(vmSpecOf(response).template.spec.volumes).to.deep.equal([
      { name: "root", dataVolume: { name: "web-root" } },
    ]);
    expect(response.children.map((c) => c.kind)).to.deep.equal(["VirtualMachine"]);
    expect(storage(response)).to.include({
      reason: "DiskSourceChanged",
      message:
        "disk root asks for no source, but DataVolume web-root was filled from registry docker://quay.io/containerdisks/fedora:41, and a disk's source cannot change (field spec.template). Fix: set the source back, or delete DataVolume web-root (its data is lost) so that the disk is imported anew",
    });
  });

  it("should keep an empty PVC and refuse a source added later", () => {
    const plain = sync(hookRequest(machine({ template: "small" }), { related: cluster() }), NOW);
    const children = plain.children.map((c) => stored(c, { phase: "Bound" }));
    const response = sync(hookRequest(onImage(FEDORA), { children, related: cluster() }), NOW);
    expect(response.children.map((c) => c.kind)).to.deep.equal([
      "VirtualMachine",
      "PersistentVolumeClaim",
    ]);
    expect(vmSpecOf(response).dataVolumeTemplates).to.equal(undefined);
    expect(storage(response)).to.include({
      reason: "DiskSourceChanged",
      message:
        "disk root asks for registry docker://quay.io/containerdisks/fedora:41, but PVC web-root was created empty, and a disk's source cannot change (field spec.disks[0].source). Fix: remove the source, or delete PVC web-root (its data is lost) so that the disk is imported anew",
    });
  });

  it("should keep the imported disk's size and refuse a new one", () => {
    const related = cluster(imported);
    const response = sync(
      hookRequest(onImage(FEDORA, { size: "30Gi" }), { children: [vm], related }),
      NOW,
    );
    expect(vmSpecOf(response).dataVolumeTemplates).to.deep.equal(kept);
    expect(storage(response)).to.include({ reason: "ImmutableFieldChanged" });
  });
});

describe("sync: a malformed source", () => {
  const cases: { name: string; source: unknown; message: string }[] = [
    {
      name: "two sources",
      source: { ...FEDORA, blank: {} },
      message:
        "the source of disk root sets registry and blank (field spec.disks[0].source). Fix: set exactly one of http, registry, pvc and blank",
    },
    {
      name: "no source at all",
      source: {},
      message:
        "the source of disk root sets nothing (field spec.disks[0].source). Fix: set exactly one of http, registry, pvc and blank",
    },
    {
      name: "a registry URL without docker://",
      source: { registry: { url: "quay.io/containerdisks/fedora:41" } },
      message:
        'spec.disks[0].source.registry.url must match pattern "^(docker|oci-archive)://", not "quay.io/containerdisks/fedora:41" (field spec.disks[0].source.registry.url). Fix: follow the Machine schema (docs/functions/machine-controller.md)',
    },
  ];
  for (const tc of cases) {
    it(`should fail the Machine for ${tc.name}`, () => {
      const response = sync(hookRequest(onImage(tc.source), { related: cluster() }), NOW);
      expect(response.status.phase).to.equal("Failed");
      expect(response.children).to.deep.equal([]);
      expect(storage(response)).to.include({ reason: "InvalidSpec", message: tc.message });
    });
  }
});
