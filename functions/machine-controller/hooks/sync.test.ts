import { expect } from "chai";
import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import {
  cluster,
  hookRequest,
  machine,
  networkConfiguration,
  NOW,
  secret,
  stored,
} from "../../../test/helpers/machines.ts";
import { sync } from "./sync.ts";

const LABELS = {
  "app.kubernetes.io/managed-by": "machine-controller",
  "vitistack.io/machine": "web",
};

function pvc(
  disk: string,
  size: string,
  more: { storageClass?: string; volumeMode?: string; accessMode?: string } = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: `web-${disk}`,
      namespace: "default",
      labels: { ...LABELS, "vitistack.io/disk": disk },
    },
    spec: {
      accessModes: [more.accessMode ?? "ReadWriteOnce"],
      volumeMode: more.volumeMode ?? "Filesystem",
      storageClassName: more.storageClass ?? "default",
      resources: { requests: { storage: size } },
    },
  };
}

function vmOf(response: ReturnType<typeof sync>): Record<string, unknown> {
  const vm = response.children.find((c) => c.kind === "VirtualMachine");
  if (!vm) throw new Error("no VirtualMachine in the answer");
  return vm;
}

const templateSpec = (response: ReturnType<typeof sync>): Record<string, unknown> =>
  (vmOf(response)["spec"] as { template: { spec: Record<string, unknown> } }).template.spec;
const domainOf = (response: ReturnType<typeof sync>): Record<string, unknown> =>
  templateSpec(response)["domain"] as Record<string, unknown>;

describe("sync", () => {
  it("should turn a small Machine into a VirtualMachine and its root PVC", () => {
    const response = sync(hookRequest(machine({ template: "small" }), { related: cluster() }), NOW);
    expect(response.children).to.deep.equal([
      {
        apiVersion: "kubevirt.io/v1",
        kind: "VirtualMachine",
        metadata: {
          name: "web",
          namespace: "default",
          labels: { ...LABELS, "vitistack.io/template": "small" },
        },
        spec: {
          runStrategy: "Always",
          template: {
            metadata: { labels: { "vitistack.io/machine": "web" } },
            spec: {
              domain: {
                cpu: { cores: 1, sockets: 1, threads: 1 },
                memory: { guest: "2Gi" },
                resources: { requests: { memory: "2Gi" } },
                devices: { disks: [{ name: "root", disk: { bus: "virtio" } }] },
              },
              volumes: [{ name: "root", persistentVolumeClaim: { claimName: "web-root" } }],
            },
          },
        },
      },
      pvc("root", "20Gi"),
    ]);
  });

  describe("templates and overrides", () => {
    const cases: { name: string; spec: unknown; cpu: unknown; memory: string; root: string }[] = [
      {
        name: "small",
        spec: { template: "small" },
        cpu: { cores: 1, sockets: 1, threads: 1 },
        memory: "2Gi",
        root: "20Gi",
      },
      {
        name: "medium",
        spec: { template: "medium" },
        cpu: { cores: 2, sockets: 1, threads: 1 },
        memory: "4Gi",
        root: "40Gi",
      },
      {
        name: "large",
        spec: { template: "large" },
        cpu: { cores: 4, sockets: 1, threads: 1 },
        memory: "8Gi",
        root: "80Gi",
      },
      {
        name: "medium + cores 4 + memory 8Gi",
        spec: { template: "medium", resources: { cpu: { cores: 4 }, memory: { size: "8Gi" } } },
        cpu: { cores: 4, sockets: 1, threads: 1 },
        memory: "8Gi",
        root: "40Gi",
      },
      {
        name: "threads and sockets only, memory in another spelling",
        spec: {
          template: "small",
          resources: { cpu: { threads: 2, sockets: 2 }, memory: { size: "3072Mi" } },
        },
        cpu: { cores: 1, sockets: 2, threads: 2 },
        memory: "3Gi",
        root: "20Gi",
      },
      {
        name: "a bigger root disk",
        spec: { template: "large", disks: [{ name: "root", size: "0.125Ti" }] },
        cpu: { cores: 4, sockets: 1, threads: 1 },
        memory: "8Gi",
        root: "128Gi",
      },
    ];
    for (const tc of cases) {
      it(`should size ${tc.name}`, () => {
        const response = sync(hookRequest(machine(tc.spec), { related: cluster() }), NOW);
        expect(domainOf(response)["cpu"]).to.deep.equal(tc.cpu);
        expect(domainOf(response)["memory"]).to.deep.equal({ guest: tc.memory });
        expect(domainOf(response)["resources"]).to.deep.equal({ requests: { memory: tc.memory } });
        expect(response.children.find((c) => c.metadata?.name === "web-root")).to.deep.equal(
          pvc("root", tc.root),
        );
      });
    }
  });

  it("should merge spec.disks with the root disk by name and bind each disk to its PVC", () => {
    const spec = {
      template: "medium",
      disks: [
        {
          name: "data",
          size: "100Gi",
          storageClass: "fast",
          accessMode: "ReadWriteMany",
          volumeMode: "Block",
        },
        { name: "root", storageClass: "fast" },
        { name: "iso", size: "5Gi", type: "cdrom", accessMode: "ReadOnlyMany" },
      ],
    };
    const response = sync(hookRequest(machine(spec), { related: cluster() }), NOW);
    expect(response.children.slice(1)).to.deep.equal([
      pvc("data", "100Gi", {
        storageClass: "fast",
        accessMode: "ReadWriteMany",
        volumeMode: "Block",
      }),
      pvc("iso", "5Gi", { accessMode: "ReadOnlyMany" }),
      pvc("root", "40Gi", { storageClass: "fast" }),
    ]);
    expect((domainOf(response)["devices"] as { disks: unknown }).disks).to.deep.equal([
      { name: "root", disk: { bus: "virtio" } },
      { name: "data", disk: { bus: "virtio" } },
      { name: "iso", cdrom: { bus: "sata" } },
    ]);
    expect(templateSpec(response)["volumes"]).to.deep.equal([
      { name: "root", persistentVolumeClaim: { claimName: "web-root" } },
      { name: "data", persistentVolumeClaim: { claimName: "web-data" } },
      { name: "iso", persistentVolumeClaim: { claimName: "web-iso" } },
    ]);
  });

  describe("networks", () => {
    const related = cluster(
      networkConfiguration("vlan-100", {
        vlan: 100,
        bridge: "br100",
        multus: { networkName: "default/vlan-100" },
      }),
      networkConfiguration("pod", { pod: {} }),
      networkConfiguration("storage-net", {
        multus: { networkName: "storage" },
        binding: "bridge",
      }),
      networkConfiguration("pod-bridged", { pod: {}, binding: "bridge" }),
    );
    const cases: {
      name: string;
      networks: unknown[];
      interfaces: unknown[];
      vmNetworks: unknown[];
    }[] = [
      {
        name: "a Multus network, bridged, with its model and MAC",
        networks: [
          { name: "lan", networkName: "vlan-100", model: "e1000", macAddress: "02:00:00:00:00:01" },
        ],
        interfaces: [{ name: "lan", model: "e1000", macAddress: "02:00:00:00:00:01", bridge: {} }],
        vmNetworks: [{ name: "lan", multus: { networkName: "default/vlan-100" } }],
      },
      {
        name: "the pod network, masqueraded, then a Multus network",
        networks: [
          { name: "default", networkName: "pod" },
          { name: "san", networkName: "storage-net", model: "rtl8139" },
        ],
        interfaces: [
          { name: "default", model: "virtio", masquerade: {} },
          { name: "san", model: "rtl8139", bridge: {} },
        ],
        vmNetworks: [
          { name: "default", pod: {} },
          { name: "san", multus: { networkName: "storage" } },
        ],
      },
      {
        name: "the pod network with the binding its NetworkConfiguration asks for",
        networks: [{ name: "default", networkName: "pod-bridged" }],
        interfaces: [{ name: "default", model: "virtio", bridge: {} }],
        vmNetworks: [{ name: "default", pod: {} }],
      },
    ];
    for (const tc of cases) {
      it(`should attach ${tc.name}`, () => {
        const response = sync(
          hookRequest(machine({ template: "small", networks: tc.networks }), { related }),
          NOW,
        );
        expect((domainOf(response)["devices"] as { interfaces: unknown }).interfaces).to.deep.equal(
          tc.interfaces,
        );
        expect(templateSpec(response)["networks"]).to.deep.equal(tc.vmNetworks);
        expect(response.status.conditions.find((c) => c.type === "NetworkReady")?.status).to.equal(
          "True",
        );
      });
    }

    it("should leave interfaces and networks to KubeVirt's default when the Machine has none", () => {
      const response = sync(hookRequest(machine({ template: "small" }), { related }), NOW);
      expect(domainOf(response)["devices"]).to.not.have.property("interfaces");
      expect(templateSpec(response)).to.not.have.property("networks");
    });
  });

  describe("boot order", () => {
    const related = cluster(networkConfiguration("pod", { pod: {} }));
    const spec = (bootOrder: string[]): unknown => ({
      template: "small",
      networks: [{ name: "default", networkName: "pod" }],
      disks: [
        { name: "iso", size: "1Gi", type: "cdrom" },
        { name: "data", size: "1Gi" },
      ],
      bootOrder,
    });
    const cases: { order: string[]; disks: (number | undefined)[]; nic: number | undefined }[] = [
      { order: [], disks: [undefined, undefined, undefined], nic: undefined },
      { order: ["disk"], disks: [1, undefined, undefined], nic: undefined },
      { order: ["cdrom", "disk", "network"], disks: [2, 1, undefined], nic: 3 },
      { order: ["network", "disk"], disks: [2, undefined, undefined], nic: 1 },
    ];
    for (const tc of cases) {
      it(`should number [${tc.order.join(", ")}] as KubeVirt boot orders`, () => {
        const response = sync(hookRequest(machine(spec(tc.order)), { related }), NOW);
        const devices = domainOf(response)["devices"] as {
          disks: { bootOrder?: number }[];
          interfaces: { bootOrder?: number }[];
        };
        expect(devices.disks.map((d) => d.bootOrder)).to.deep.equal(tc.disks);
        expect(devices.interfaces[0]?.bootOrder).to.equal(tc.nic);
      });
    }
  });

  describe("domain", () => {
    const cases: { name: string; domain: unknown; want: Record<string, unknown> }[] = [
      {
        name: "machine type",
        domain: { machine: { type: "q35" } },
        want: { machine: { type: "q35" } },
      },
      {
        name: "features on",
        domain: { features: { acpi: true, apic: true, hyperv: true } },
        want: {
          features: {
            acpi: {},
            apic: {},
            hyperv: { relaxed: {}, vapic: {}, spinlocks: { spinlocks: 8191 } },
          },
        },
      },
      {
        name: "features off",
        domain: { features: { acpi: false, apic: false, hyperv: false } },
        want: { features: { acpi: { enabled: false }, apic: { enabled: false } } },
      },
      {
        name: "EFI without Secure Boot",
        domain: { firmware: { bootloader: { efi: true } } },
        want: { firmware: { bootloader: { efi: { secureBoot: false } } } },
      },
      {
        name: "EFI with Secure Boot, which needs SMM",
        domain: { firmware: { bootloader: { efi: true, secureBoot: true } } },
        want: { features: { smm: {} }, firmware: { bootloader: { efi: { secureBoot: true } } } },
      },
      {
        name: "BIOS (efi: false) as KubeVirt's default",
        domain: { firmware: { bootloader: { efi: false } } },
        want: {},
      },
    ];
    for (const tc of cases) {
      it(`should map ${tc.name}`, () => {
        const response = sync(
          hookRequest(machine({ template: "small", domain: tc.domain }), { related: cluster() }),
          NOW,
        );
        const { cpu, memory, resources, devices, ...rest } = domainOf(response);
        expect([cpu, memory, resources, devices].every(Boolean)).to.equal(true);
        expect(rest).to.deep.equal(tc.want);
      });
    }
  });

  describe("cloud-init", () => {
    const cases: { name: string; cloudInit: unknown; source: unknown; related?: KubeObject[] }[] = [
      {
        name: "inline user and network data",
        cloudInit: { userData: "#cloud-config\n", networkData: "version: 2\n" },
        source: { userData: "#cloud-config\n", networkData: "version: 2\n" },
      },
      {
        name: "a Secret by reference, never copied",
        cloudInit: { secretRef: { name: "web-ci", key: "userData" }, networkData: "version: 2\n" },
        source: { secretRef: { name: "web-ci" }, networkData: "version: 2\n" },
        related: [secret("web-ci", { userData: "I2Nsb3VkLWNvbmZpZwo=" })],
      },
    ];
    for (const tc of cases) {
      it(`should attach ${tc.name} as a NoCloud disk`, () => {
        const response = sync(
          hookRequest(machine({ template: "small", cloudInit: tc.cloudInit }), {
            related: cluster(...(tc.related ?? [])),
          }),
          NOW,
        );
        expect((domainOf(response)["devices"] as { disks: unknown[] }).disks.at(-1)).to.deep.equal({
          name: "cloudinit",
          disk: { bus: "virtio" },
        });
        expect((templateSpec(response)["volumes"] as unknown[]).at(-1)).to.deep.equal({
          name: "cloudinit",
          cloudInitNoCloud: tc.source,
        });
        expect(JSON.stringify(response)).to.not.include("I2Nsb3VkLWNvbmZpZwo=");
      });
    }
  });

  it("should keep the VM stopped when running is false", () => {
    const response = sync(
      hookRequest(machine({ template: "small", running: false }), { related: cluster() }),
      NOW,
    );
    expect((vmOf(response)["spec"] as { runStrategy: string }).runStrategy).to.equal("Halted");
  });

  it("should give byte-identical answers to the same request, however its maps are ordered", () => {
    const spec = {
      template: "medium",
      disks: [
        { name: "b", size: "1Gi" },
        { name: "a", size: "2Gi" },
      ],
      networks: [{ name: "x", networkName: "pod" }],
    };
    const related = cluster(networkConfiguration("pod", { pod: {} }));
    const first = JSON.stringify(sync(hookRequest(machine(spec), { related }), NOW));
    const again = JSON.stringify(
      sync(hookRequest(machine(spec), { related: [...related].reverse() }), NOW),
    );
    expect(again).to.equal(first);
  });

  it("should read v2 requests (objects keyed namespace/name) as v1 ones", () => {
    const parent = machine({ template: "small" });
    const v1 = sync(hookRequest(parent, { related: cluster() }), NOW);
    const first = v1.children.map((c) => stored(c, { phase: "Bound" }));
    const observed = { children: first, related: cluster() };
    expect(sync(hookRequest(parent, { ...observed, v2: true }), NOW)).to.deep.equal(
      sync(hookRequest(parent, observed), NOW),
    );
  });

  it("should keep a PVC whose disk left the spec, unchanged", () => {
    const parent = machine({ template: "small" });
    const orphan = stored(pvc("old", "5Gi"), { phase: "Bound" });
    const response = sync(hookRequest(parent, { children: [orphan], related: cluster() }), NOW);
    expect(response.children.map((c) => c.metadata?.name)).to.deep.equal([
      "web",
      "web-old",
      "web-root",
    ]);
    expect(response.children[1]).to.deep.equal(pvc("old", "5Gi"));
  });
});
