import { expect } from "chai";
import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import {
  cluster,
  hookRequest,
  LATER,
  machine,
  networkConfiguration,
  NOW,
  secret,
  stored,
} from "../../../test/helpers/machines.ts";
import { LAST_APPLIED } from "../children/child.ts";
import { sync } from "../hooks/sync.ts";

interface Case {
  name: string;
  spec: unknown;
  condition: string;
  reason: string;
  message: string;
  related?: KubeObject[];
  machineName?: string;
}

const cases: Case[] = [
  {
    name: "an unknown template",
    spec: { template: "huge" },
    condition: "VirtualMachineReady",
    reason: "TemplateNotFound",
    message: '"huge" is not a template (field spec.template). Fix: use one of small, medium, large',
  },
  {
    name: "no template",
    spec: { disks: [] },
    condition: "VirtualMachineReady",
    reason: "TemplateNotFound",
    message:
      "spec.template is required (field spec.template). Fix: use one of small, medium, large",
  },
  {
    name: "a malformed memory size",
    spec: { template: "small", resources: { memory: { size: "8GB" } } },
    condition: "VirtualMachineReady",
    reason: "InvalidQuantity",
    message:
      '"8GB" is not a size (field spec.resources.memory.size). Fix: write a positive Kubernetes quantity such as 40Gi or 512Mi',
  },
  {
    name: "a malformed disk size",
    spec: { template: "small", disks: [{ name: "data", size: "lots" }] },
    condition: "StorageReady",
    reason: "InvalidQuantity",
    message:
      '"lots" is not a size (field spec.disks[0].size). Fix: write a positive Kubernetes quantity such as 40Gi or 512Mi',
  },
  {
    name: "a zero disk size",
    spec: { template: "small", disks: [{ name: "data", size: "0" }] },
    condition: "StorageReady",
    reason: "InvalidQuantity",
    message:
      '"0" is not a size (field spec.disks[0].size). Fix: write a positive Kubernetes quantity such as 40Gi or 512Mi',
  },
  {
    name: "a disk without a size",
    spec: { template: "small", disks: [{ name: "data" }] },
    condition: "StorageReady",
    reason: "InvalidSpec",
    message: "disk data has no size (field spec.disks[0].size). Fix: set its size, e.g. 100Gi",
  },
  {
    name: "duplicate disk names",
    spec: {
      template: "small",
      disks: [
        { name: "data", size: "1Gi" },
        { name: "data", size: "2Gi" },
      ],
    },
    condition: "StorageReady",
    reason: "DuplicateDiskName",
    message:
      "two disks are named data (field spec.disks[1].name). Fix: give every disk its own name",
  },
  {
    name: "a disk named like the cloud-init disk",
    spec: { template: "small", disks: [{ name: "cloudinit", size: "1Gi" }] },
    condition: "StorageReady",
    reason: "InvalidSpec",
    message:
      "cloudinit is the cloud-init disk's name (field spec.disks[0].name). Fix: rename the disk",
  },
  {
    name: "an unknown access mode",
    spec: { template: "small", disks: [{ name: "root", accessMode: "ReadWriteOncePod" }] },
    condition: "StorageReady",
    reason: "InvalidSpec",
    message:
      '"ReadWriteOncePod" is not one of ReadWriteOnce, ReadWriteMany, ReadOnlyMany (field spec.disks[0].accessMode). Fix: use one of ReadWriteOnce, ReadWriteMany, ReadOnlyMany',
  },
  {
    name: "a missing StorageClass",
    spec: { template: "small", disks: [{ name: "root", storageClass: "gold" }] },
    condition: "StorageReady",
    reason: "StorageClassNotFound",
    message:
      "StorageClass gold of disk root does not exist (field spec.disks[0].storageClass). Fix: name an existing StorageClass (kubectl get storageclasses), or create it",
  },
  {
    name: "a missing NetworkConfiguration",
    spec: { template: "small", networks: [{ name: "lan", networkName: "vlan-7" }] },
    condition: "NetworkReady",
    reason: "NetworkConfigurationNotFound",
    message:
      "NetworkConfiguration default/vlan-7 does not exist (field spec.networks[0].networkName). Fix: create it (kubectl get networkconfigurations -n default lists those there), or name another",
  },
  {
    name: "a NetworkConfiguration that leads nowhere",
    spec: { template: "small", networks: [{ name: "lan", networkName: "empty" }] },
    related: [networkConfiguration("empty", { description: "nothing yet" })],
    condition: "NetworkReady",
    reason: "InvalidNetworkConfiguration",
    message:
      "NetworkConfiguration empty names no Multus network, pod network, VLAN or bridge (field spec.networks[0].networkName). Fix: set spec.multus.networkName, spec.pod: {}, or spec.vlan and/or spec.bridge on NetworkConfiguration empty",
  },
  {
    name: "a VLAN out of range",
    spec: { template: "small", networks: [{ name: "lan", networkName: "vlan-x" }] },
    related: [networkConfiguration("vlan-x", { vlan: 4095, bridge: "br0" })],
    condition: "NetworkReady",
    reason: "InvalidNetworkConfiguration",
    message:
      "NetworkConfiguration vlan-x has spec.vlan 4095, outside 1-4094 (field spec.networks[0].networkName). Fix: set spec.vlan of NetworkConfiguration vlan-x to a VLAN from 1 to 4094",
  },
  {
    name: "VLAN 0",
    spec: { template: "small", networks: [{ name: "lan", networkName: "vlan-0" }] },
    related: [networkConfiguration("vlan-0", { vlan: 0 })],
    condition: "NetworkReady",
    reason: "InvalidNetworkConfiguration",
    message:
      "NetworkConfiguration vlan-0 has spec.vlan 0, outside 1-4094 (field spec.networks[0].networkName). Fix: set spec.vlan of NetworkConfiguration vlan-0 to a VLAN from 1 to 4094",
  },
  ...["br-vlan100-long0", "br/0", "br 0", "br:0", "..", ""].map((bridge) => ({
    name: `the bridge ${JSON.stringify(bridge)}`,
    spec: { template: "small", networks: [{ name: "lan", networkName: "bad-bridge" }] },
    related: [networkConfiguration("bad-bridge", { vlan: 7, bridge })],
    condition: "NetworkReady" as const,
    reason: "InvalidNetworkConfiguration",
    message: `NetworkConfiguration bad-bridge has spec.bridge ${JSON.stringify(bridge)}, which is not a Linux interface name (field spec.networks[0].networkName). Fix: set spec.bridge of NetworkConfiguration bad-bridge to 1-15 characters without /, : or spaces, e.g. br-vlan100`,
  })),
  {
    name: "two interfaces on the pod network",
    spec: {
      template: "small",
      networks: [
        { name: "a", networkName: "pod" },
        { name: "b", networkName: "pod" },
      ],
    },
    related: [networkConfiguration("pod", { pod: {} })],
    condition: "NetworkReady",
    reason: "InvalidSpec",
    message:
      "networks a and b both use the pod network, which a VM has only once (field spec.networks[1].networkName). Fix: attach one of them to a Multus network instead",
  },
  {
    name: "duplicate network names",
    spec: {
      template: "small",
      networks: [
        { name: "a", networkName: "pod" },
        { name: "a", networkName: "pod" },
      ],
    },
    condition: "NetworkReady",
    reason: "DuplicateNetworkName",
    message:
      "two networks are named a (field spec.networks[1].name). Fix: give every network its own name",
  },
  {
    name: "network boot without a network",
    spec: { template: "small", bootOrder: ["network"] },
    condition: "VirtualMachineReady",
    reason: "InvalidSpec",
    message:
      "network boot needs a network (field spec.bootOrder[0]). Fix: add an entry to spec.networks, or remove network",
  },
  {
    name: "a boot device listed twice",
    spec: { template: "small", bootOrder: ["disk", "disk"] },
    condition: "VirtualMachineReady",
    reason: "InvalidSpec",
    message: "disk is listed twice (field spec.bootOrder[1]). Fix: list each boot device once",
  },
  {
    name: "both inline user data and a Secret",
    spec: { template: "small", cloudInit: { userData: "#cloud-config", secretRef: { name: "s" } } },
    condition: "VirtualMachineReady",
    reason: "InvalidSpec",
    message: "both userData and secretRef are set (field spec.cloudInit). Fix: keep one of them",
  },
  {
    name: "a missing cloud-init Secret",
    spec: { template: "small", cloudInit: { secretRef: { name: "web-ci" } } },
    condition: "VirtualMachineReady",
    reason: "CloudInitSecretNotFound",
    message:
      "Secret default/web-ci does not exist (field spec.cloudInit.secretRef.name). Fix: create it with the user data under the key userdata",
  },
  {
    name: "a cloud-init Secret without the key",
    spec: { template: "small", cloudInit: { secretRef: { name: "web-ci" } } },
    related: [secret("web-ci", { "user-data": "eA==" })],
    condition: "VirtualMachineReady",
    reason: "CloudInitSecretNotFound",
    message:
      "Secret default/web-ci has no key userdata (field spec.cloudInit.secretRef.key). Fix: put the user data under userdata (KubeVirt reads userdata or userData)",
  },
  {
    name: "Secure Boot without EFI",
    spec: { template: "small", domain: { firmware: { bootloader: { secureBoot: true } } } },
    condition: "VirtualMachineReady",
    reason: "InvalidSpec",
    message:
      "Secure Boot needs EFI (field spec.domain.firmware.bootloader.secureBoot). Fix: set efi: true, or secureBoot: false",
  },
  {
    name: "a field of the wrong type",
    spec: { template: "small", resources: { cpu: { cores: "four" } } },
    condition: "VirtualMachineReady",
    reason: "InvalidSpec",
    message:
      'spec.resources.cpu.cores must be integer, not "four" (field spec.resources.cpu.cores). Fix: follow the Machine schema (docs/functions/machine-controller.md)',
  },
  {
    name: "no spec at all",
    spec: undefined,
    condition: "VirtualMachineReady",
    reason: "InvalidSpec",
    message:
      "spec must be object (field spec). Fix: follow the Machine schema (docs/functions/machine-controller.md)",
  },
  {
    name: "a name too long for a VM",
    spec: { template: "small" },
    machineName: "m".repeat(64),
    condition: "VirtualMachineReady",
    reason: "InvalidSpec",
    message:
      "the name is 64 characters long (field metadata.name). Fix: use a name of at most 63 characters (it names the VM and is a label value)",
  },
];

describe("sync with an invalid Machine", () => {
  for (const tc of cases) {
    it(`should report Failed with ${tc.reason} for ${tc.name}, naming the field`, () => {
      const parent = machine(tc.spec, tc.machineName ? { name: tc.machineName } : {});
      const { status, children } = sync(
        hookRequest(parent, { related: cluster(...(tc.related ?? [])) }),
        NOW,
      );
      expect(children).to.deep.equal([]);
      expect(status.phase).to.equal("Failed");
      const byType = Object.fromEntries(status.conditions.map((c) => [c.type, c]));
      expect(byType["Ready"]).to.include({
        status: "False",
        reason: tc.reason,
        message: tc.message,
      });
      expect(byType[tc.condition]).to.include({
        status: "False",
        reason: tc.reason,
        message: tc.message,
      });
      for (const other of ["VirtualMachineReady", "StorageReady", "NetworkReady"].filter(
        (t) => t !== tc.condition,
      )) {
        expect(byType[other]).to.include({ status: "Unknown", reason: "NotEvaluated" });
      }
    });
  }

  it("should return every child as observed, so that nothing is deleted or changed", () => {
    const good = machine({ template: "small" });
    const desired = sync(hookRequest(good, { related: cluster() }), NOW).children;
    // Metacontroller's dynamic apply records what it applied; the API server and KubeVirt add more.
    const observed = desired.map((child) => {
      const copy = stored(child, { phase: "Bound" });
      copy.metadata = {
        ...copy.metadata,
        annotations: {
          [LAST_APPLIED]: JSON.stringify(child),
          "kubevirt.io/latest-observed-api-version": "v1",
        },
      };
      return copy;
    });
    const broken = machine({ template: "huge" }, { generation: 2 });
    const response = sync(hookRequest(broken, { children: observed, related: cluster() }), LATER);
    expect(response.children).to.deep.equal(desired);
    expect(response.status.phase).to.equal("Failed");
    expect(response.status.vmName).to.equal("web");
  });

  it("should return a child without Metacontroller's annotation by its own labels and spec", () => {
    const pvc: KubeObject = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: {
        name: "web-root",
        namespace: "default",
        uid: "u",
        resourceVersion: "7",
        labels: { a: "b" },
        annotations: { "pv.kubernetes.io/bind-completed": "yes" },
      },
      spec: {
        accessModes: ["ReadWriteOnce"],
        volumeName: "pv-1",
        resources: { requests: { storage: "20Gi" } },
      },
      status: { phase: "Bound" },
    };
    const response = sync(
      hookRequest(machine({ template: "huge" }), { children: [pvc], related: cluster() }),
      NOW,
    );
    expect(response.children).to.deep.equal([
      {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: {
          name: "web-root",
          namespace: "default",
          labels: { a: "b" },
          annotations: { "pv.kubernetes.io/bind-completed": "yes" },
        },
        spec: {
          accessModes: ["ReadWriteOnce"],
          volumeName: "pv-1",
          resources: { requests: { storage: "20Gi" } },
        },
      },
    ]);
  });
});
