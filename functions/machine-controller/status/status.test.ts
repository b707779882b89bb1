import { expect } from "chai";
import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import {
  cluster,
  hookRequest,
  LATER,
  machine,
  NOW,
  stored,
  vmi,
} from "../../../test/helpers/machines.ts";
import { sync } from "../hooks/sync.ts";

const spec = { template: "small" };
const desired = sync(hookRequest(machine(spec), { related: cluster() }), NOW).children;
const [vmChild, pvcChild] = desired as [KubeObject, KubeObject];
const vm = (status: Record<string, unknown> = { printableStatus: "Starting" }): KubeObject =>
  stored(vmChild, status);
const pvc = (phase: string): KubeObject => stored(pvcChild, { phase });

interface Row {
  name: string;
  running?: boolean;
  children: KubeObject[];
  instance?: KubeObject;
  phase: string;
  vmReady: [string, string];
  storage: [string, string];
  ready: [string, string];
}

const rows: Row[] = [
  {
    name: "nothing exists yet",
    children: [],
    phase: "Pending",
    vmReady: ["False", "VMPending"],
    storage: ["False", "PVCPending"],
    ready: ["False", "PVCPending"],
  },
  {
    name: "the PVC is pending",
    children: [pvc("Pending"), vm()],
    phase: "Creating",
    vmReady: ["False", "VMCreated"],
    storage: ["False", "PVCPending"],
    ready: ["False", "PVCPending"],
  },
  {
    name: "the PVC is bound, the VM created",
    children: [pvc("Bound"), vm()],
    phase: "Creating",
    vmReady: ["False", "VMCreated"],
    storage: ["True", "PVCBound"],
    ready: ["False", "VMCreated"],
  },
  {
    name: "the instance is scheduling",
    children: [pvc("Bound"), vm()],
    instance: vmi("web", "Scheduling"),
    phase: "Creating",
    vmReady: ["False", "VMIScheduling"],
    storage: ["True", "PVCBound"],
    ready: ["False", "VMIScheduling"],
  },
  {
    name: "no node has room",
    children: [pvc("Bound"), vm()],
    instance: vmi("web", "Pending", {
      conditions: [
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: "0/3 nodes are available: 3 Insufficient memory.",
        },
      ],
    }),
    phase: "Creating",
    vmReady: ["False", "InsufficientResources"],
    storage: ["True", "PVCBound"],
    ready: ["False", "InsufficientResources"],
  },
  {
    name: "the VM reports unschedulable",
    children: [pvc("Bound"), vm({ printableStatus: "ErrorUnschedulable" })],
    phase: "Creating",
    vmReady: ["False", "InsufficientResources"],
    storage: ["True", "PVCBound"],
    ready: ["False", "InsufficientResources"],
  },
  {
    name: "the instance runs",
    children: [pvc("Bound"), vm()],
    instance: vmi("web", "Running", { nodeName: "n1" }),
    phase: "Running",
    vmReady: ["True", "VMIRunning"],
    storage: ["True", "PVCBound"],
    ready: ["True", "MachineReady"],
  },
  {
    name: "the guest shut down",
    children: [pvc("Bound"), vm()],
    instance: vmi("web", "Succeeded"),
    phase: "Stopped",
    vmReady: ["False", "VMStopped"],
    storage: ["True", "PVCBound"],
    ready: ["False", "VMStopped"],
  },
  {
    name: "the Machine asks to be stopped",
    running: false,
    children: [pvc("Bound"), vm({ printableStatus: "Stopped" })],
    phase: "Stopped",
    vmReady: ["False", "VMStopped"],
    storage: ["True", "PVCBound"],
    ready: ["False", "VMStopped"],
  },
  {
    name: "the instance failed",
    children: [pvc("Bound"), vm()],
    instance: vmi("web", "Failed", { reason: "PodFailed" }),
    phase: "Failed",
    vmReady: ["False", "VMIFailed"],
    storage: ["True", "PVCBound"],
    ready: ["False", "VMIFailed"],
  },
  {
    name: "the instance's node is lost",
    children: [pvc("Bound"), vm()],
    instance: vmi("web", "Unknown"),
    phase: "Failed",
    vmReady: ["False", "VMIUnknown"],
    storage: ["True", "PVCBound"],
    ready: ["False", "VMIUnknown"],
  },
  {
    name: "KubeVirt fails to create the instance",
    children: [
      pvc("Bound"),
      vm({
        conditions: [
          {
            type: "Failure",
            status: "True",
            reason: "FailedCreate",
            message: "admission webhook denied the request",
          },
        ],
      }),
    ],
    phase: "Failed",
    vmReady: ["False", "KubeVirtApiError"],
    storage: ["True", "PVCBound"],
    ready: ["False", "KubeVirtApiError"],
  },
  {
    name: "the PVC lost its volume",
    children: [pvc("Lost"), vm()],
    instance: vmi("web", "Running"),
    phase: "Failed",
    vmReady: ["True", "VMIRunning"],
    storage: ["False", "PVCLost"],
    ready: ["False", "PVCLost"],
  },
];

describe("the phase table", () => {
  for (const row of rows) {
    it(`should be ${row.phase} when ${row.name}`, () => {
      const parent = machine({ ...spec, ...(row.running === false ? { running: false } : {}) });
      const related = cluster(...(row.instance ? [row.instance] : []));
      const { status } = sync(hookRequest(parent, { children: row.children, related }), NOW);
      const get = (type: string): [string, string] => {
        const c = status.conditions.find((x) => x.type === type);
        return [c?.status ?? "", c?.reason ?? ""];
      };
      expect(status.phase).to.equal(row.phase);
      expect(get("VirtualMachineReady")).to.deep.equal(row.vmReady);
      expect(get("StorageReady")).to.deep.equal(row.storage);
      expect(get("Ready")).to.deep.equal(row.ready);
      expect(get("NetworkReady")).to.deep.equal(["True", "DefaultPodNetwork"]);
    });
  }

  it("should report the instance's names, addresses and node", () => {
    const instance = vmi("web", "Running", {
      nodeName: "worker-2",
      interfaces: [
        { name: "default", ipAddress: "10.0.0.5", ipAddresses: ["10.0.0.5", "fd00::5"] },
        { name: "lan", ipAddress: "192.168.1.9" },
        { name: "lan2", ipAddresses: ["10.0.0.5"] },
      ],
    });
    const { status } = sync(
      hookRequest(machine(spec, { generation: 3 }), {
        children: [pvc("Bound"), vm()],
        related: cluster(instance),
      }),
      NOW,
    );
    expect(status).to.deep.include({
      vmName: "web",
      vmiName: "web",
      ipAddresses: ["10.0.0.5", "fd00::5", "192.168.1.9"],
      nodeName: "worker-2",
      observedGeneration: 3,
      lastUpdated: "2026-03-01T12:00:00Z",
    });
    expect(status.conditions[0]).to.deep.equal({
      type: "Ready",
      status: "True",
      reason: "MachineReady",
      message: "the VM runs, its disks are bound and its networks found",
      lastTransitionTime: "2026-03-01T12:00:00Z",
      observedGeneration: 3,
    });
  });
});

describe("status times", () => {
  const observed = { children: [pvc("Bound"), vm()], related: cluster() };

  it("should keep lastUpdated and every lastTransitionTime when nothing changed, so the answer is the same bytes", () => {
    const first = sync(hookRequest(machine(spec), observed), NOW);
    const again = sync(hookRequest(machine(spec, { status: first.status }), observed), LATER);
    expect(JSON.stringify(again)).to.equal(JSON.stringify(first));
  });

  it("should move lastUpdated, and lastTransitionTime only of conditions whose status changed", () => {
    const first = sync(
      hookRequest(machine(spec), { children: [pvc("Pending"), vm()], related: cluster() }),
      NOW,
    );
    const next = sync(hookRequest(machine(spec, { status: first.status }), observed), LATER);
    expect(next.status.lastUpdated).to.equal("2026-03-01T12:05:00Z");
    const times = Object.fromEntries(
      next.status.conditions.map((c) => [c.type, c.lastTransitionTime]),
    );
    expect(times).to.deep.equal({
      Ready: "2026-03-01T12:00:00Z",
      VirtualMachineReady: "2026-03-01T12:00:00Z",
      StorageReady: "2026-03-01T12:05:00Z",
      NetworkReady: "2026-03-01T12:00:00Z",
    });
  });
});
