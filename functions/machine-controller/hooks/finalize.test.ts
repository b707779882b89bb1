import { expect } from "chai";
import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import { cluster, hookRequest, machine, NOW, stored, vmi } from "../../../test/helpers/machines.ts";
import { LAST_APPLIED } from "../children/child.ts";
import { finalize } from "./finalize.ts";
import { sync } from "./sync.ts";

const desired = sync(
  hookRequest(machine({ template: "small" }), { related: cluster() }),
  NOW,
).children;
const [vmChild, pvcChild] = desired as [KubeObject, KubeObject];
const withLastApplied = (child: KubeObject): KubeObject => {
  const copy = stored(child);
  copy.metadata = { ...copy.metadata, annotations: { [LAST_APPLIED]: JSON.stringify(child) } };
  return copy;
};

describe("finalize", () => {
  const cases: {
    name: string;
    children: KubeObject[];
    instance?: KubeObject;
    keep: KubeObject[];
    finalized: boolean;
    message: string;
    phase: string;
  }[] = [
    {
      name: "delete the VirtualMachine first, keeping its disks",
      children: [withLastApplied(vmChild), withLastApplied(pvcChild)],
      instance: vmi("web", "Running"),
      keep: [pvcChild],
      finalized: false,
      message: "deleting VirtualMachine web",
      phase: "Running",
    },
    {
      name: "keep the disks while the instance still runs",
      children: [withLastApplied(pvcChild)],
      instance: vmi("web", "Running"),
      keep: [pvcChild],
      finalized: false,
      message: "waiting for VirtualMachineInstance web to stop",
      phase: "Running",
    },
    {
      name: "delete the disks once the instance is gone",
      children: [withLastApplied(pvcChild)],
      keep: [],
      finalized: false,
      message: "deleting PVCs web-root",
      phase: "Stopped",
    },
    {
      name: "report finalized when nothing is left",
      children: [],
      keep: [],
      finalized: true,
      message: "torn down: nothing is left",
      phase: "Stopped",
    },
  ];
  for (const tc of cases) {
    it(`should ${tc.name}`, () => {
      const related = cluster(...(tc.instance ? [tc.instance] : []));
      const answer = finalize(
        hookRequest(machine({ template: "small" }), { children: tc.children, related }, true),
        NOW,
      );
      expect(answer.children).to.deep.equal(tc.keep);
      expect(answer.finalized).to.equal(tc.finalized);
      expect(answer.status.phase).to.equal(tc.phase);
      expect(answer.status.conditions[0]).to.include({
        type: "Ready",
        status: "False",
        reason: "Deleting",
        message: tc.message,
      });
    });
  }

  it("should tear down a Machine whose spec is invalid just the same", () => {
    const answer = finalize(
      hookRequest(
        machine({ template: "nope" }),
        { children: [withLastApplied(vmChild), withLastApplied(pvcChild)], related: cluster() },
        true,
      ),
      NOW,
    );
    expect(answer.children).to.deep.equal([pvcChild]);
    expect(answer.finalized).to.equal(false);
  });
});
