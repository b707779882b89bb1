import { expect } from "chai";
import fc from "fast-check";
import { launcherPods } from "../helpers/arbitraries/launcher-pod.ts";
import { virtualMachines } from "../helpers/arbitraries/vm.ts";

// The generators themselves: plain JSON objects of the right kind, from sparse to full, so that a
// property that passes has been fed what KubeVirt sends.
describe("the object generators", () => {
  const cases = [
    {
      kind: "VirtualMachine",
      arbitrary: virtualMachines(),
      full: ["spec", "template", "spec", "domain", "cpu", "features"],
    },
    { kind: "Pod", arbitrary: launcherPods(), full: ["spec", "containers"] },
  ];
  for (const tc of cases) {
    it(`should make ${tc.kind}s that survive JSON unchanged, some sparse and some with every part`, () => {
      const samples = fc.sample(tc.arbitrary, { numRuns: 300, seed: 1 });
      const reach = (o: unknown): unknown =>
        tc.full.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
      for (const object of samples) {
        expect(object.kind).to.equal(tc.kind);
        expect(JSON.parse(JSON.stringify(object))).to.deep.equal(object);
      }
      expect(samples.some((o) => reach(o) === undefined)).to.equal(true);
      expect(
        samples.some((o) => Array.isArray(reach(o)) && (reach(o) as unknown[]).length > 0),
      ).to.equal(true);
    });
  }

  it("should put the compute container first in every launcher pod that has containers", () => {
    for (const pod of fc.sample(launcherPods(), { numRuns: 200, seed: 2 })) {
      const containers = (pod["spec"] as { containers?: { name: string }[] }).containers;
      if (containers) expect(containers[0]?.name).to.equal("compute");
    }
  });
});
