import { expect } from "chai";
import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import type { Machine } from "../api.ts";
import { cluster, hookRequest, machine, stored, vmi } from "../../../test/helpers/machines.ts";
import { finalize } from "./finalize.ts";
import { sync } from "./sync.ts";

/**
 * A stand-in for Metacontroller and the cluster: applies each answer (creates what is new, takes
 * the desired spec of what exists, deletes what is left out), keeps what the cluster reports in
 * status, and writes the answer's status back to the Machine.
 */
class World {
  children = new Map<string, KubeObject>();
  instance: KubeObject | undefined;
  parent: Machine;
  minute = 0;

  constructor(parent: Machine) {
    this.parent = parent;
  }

  private now(): Date {
    return new Date(Date.UTC(2026, 2, 1, 12, this.minute++));
  }

  private request(finalizing = false): ReturnType<typeof hookRequest> {
    const related = cluster(...(this.instance ? [this.instance] : []));
    return hookRequest(this.parent, { children: [...this.children.values()], related }, finalizing);
  }

  private apply(desired: KubeObject[]): void {
    const next = new Map<string, KubeObject>();
    for (const child of desired) {
      const key = `${child.kind}/${child.metadata?.name}`;
      const current = this.children.get(key);
      next.set(
        key,
        current ? { ...current, spec: structuredClone(child["spec"]) } : stored(child, {}),
      );
    }
    this.children = next;
  }

  sync(): ReturnType<typeof sync> {
    const answer = sync(this.request(), this.now());
    const repeated = sync(this.request(), this.now());
    expect(JSON.stringify(repeated.children), "a repeated sync changes nothing").to.equal(
      JSON.stringify(answer.children),
    );
    this.apply(answer.children);
    this.parent = { ...this.parent, status: answer.status };
    return answer;
  }

  finalize(): ReturnType<typeof finalize> {
    const answer = finalize(this.request(true), this.now());
    this.apply(answer.children);
    this.parent = { ...this.parent, status: answer.status };
    return answer;
  }

  setStatus(key: string, status: Record<string, unknown>): void {
    const child = this.children.get(key);
    if (child) child["status"] = status;
  }
}

const ready = (answer: { status: { conditions: { type: string; reason: string }[] } }): string =>
  answer.status.conditions.find((c) => c.type === "Ready")?.reason ?? "";
const names = (answer: { children: KubeObject[] }): string[] =>
  answer.children.map((c) => `${c.kind}/${c.metadata?.name}`);

describe("a Machine through a sequence of syncs", () => {
  it("should follow the observed state from nothing to running, stopped and torn down", () => {
    const world = new World(
      machine({ template: "medium", disks: [{ name: "data", size: "10Gi" }] }),
    );
    const all = [
      "VirtualMachine/web",
      "PersistentVolumeClaim/web-data",
      "PersistentVolumeClaim/web-root",
    ];

    let answer = world.sync();
    expect([answer.status.phase, ready(answer), names(answer)]).to.deep.equal([
      "Pending",
      "PVCPending",
      all,
    ]);

    world.setStatus("PersistentVolumeClaim/web-root", { phase: "Pending" });
    world.setStatus("PersistentVolumeClaim/web-data", { phase: "Pending" });
    answer = world.sync();
    expect([answer.status.phase, ready(answer), answer.status.vmName]).to.deep.equal([
      "Creating",
      "PVCPending",
      "web",
    ]);

    world.setStatus("PersistentVolumeClaim/web-root", { phase: "Bound" });
    world.setStatus("PersistentVolumeClaim/web-data", { phase: "Bound" });
    answer = world.sync();
    expect([answer.status.phase, ready(answer)]).to.deep.equal(["Creating", "VMCreated"]);

    world.instance = vmi("web", "Scheduled");
    expect(ready(world.sync())).to.equal("VMIScheduling");

    world.instance = vmi("web", "Running", {
      nodeName: "n1",
      interfaces: [{ name: "default", ipAddress: "10.1.0.7" }],
    });
    answer = world.sync();
    expect([
      answer.status.phase,
      ready(answer),
      answer.status.nodeName,
      answer.status.ipAddresses,
    ]).to.deep.equal(["Running", "MachineReady", "n1", ["10.1.0.7"]]);
    const runningSince = answer.status.lastUpdated;
    expect(world.sync().status.lastUpdated, "steady state").to.equal(runningSince);

    world.parent = {
      ...world.parent,
      metadata: { ...world.parent.metadata, generation: 2 },
      spec: { ...(world.parent.spec as object), running: false },
    };
    answer = world.sync();
    expect((answer.children[0]?.["spec"] as { runStrategy: string }).runStrategy).to.equal(
      "Halted",
    );
    expect([answer.status.phase, answer.status.observedGeneration]).to.deep.equal(["Running", 2]);

    world.instance = undefined;
    answer = world.sync();
    expect([answer.status.phase, ready(answer), answer.status.vmiName]).to.deep.equal([
      "Stopped",
      "VMStopped",
      undefined,
    ]);
    expect(names(answer)).to.deep.equal(all);

    // The Machine is deleted: Metacontroller calls finalize until it answers finalized.
    world.instance = vmi("web", "Running");
    let step = world.finalize();
    expect([names(step), step.finalized, ready(step)]).to.deep.equal([
      all.slice(1),
      false,
      "Deleting",
    ]);
    step = world.finalize();
    expect([names(step), step.finalized, step.status.conditions[0]?.message]).to.deep.equal([
      all.slice(1),
      false,
      "waiting for VirtualMachineInstance web to stop",
    ]);
    world.instance = undefined;
    step = world.finalize();
    expect([names(step), step.finalized, step.status.conditions[0]?.message]).to.deep.equal([
      [],
      false,
      "deleting PVCs web-data, web-root",
    ]);
    step = world.finalize();
    expect([names(step), step.finalized, step.status.phase]).to.deep.equal([[], true, "Stopped"]);
  });

  it("should never leave a PVC out of a sync answer, whatever the spec becomes", () => {
    const world = new World(machine({ template: "large" }));
    world.sync();
    for (const spec of [
      { template: "small" },
      { template: "tiny" },
      { template: "large", disks: [{ name: "root", storageClass: "fast" }] },
      {},
    ]) {
      world.parent = { ...world.parent, spec };
      expect(names(world.sync())).to.include("PersistentVolumeClaim/web-root");
    }
  });
});
