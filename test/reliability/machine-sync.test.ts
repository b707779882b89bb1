import { expect } from "chai";
import fc from "fast-check";
import { sync } from "../../functions/machine-controller/hooks/sync.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import { NOW, hookRequest, machine, storageClass, stored } from "../helpers/machines.ts";

// machine-controller's sync as a property (issue 13): for generated Machines, valid or not, over
// children a previous sync created, the answer never throws, is byte-identical for the same
// input, and no sync deletes an observed child: every one is in the answer (as observed when the
// Machine is invalid; a PVC whose disk left the spec is kept).

const RUNS = Number(process.env["FC_RUNS"] ?? 150);

const related = [storageClass("default", true, true), storageClass("fast", false)];

/** The children a sync of a valid Machine made, as the API server then holds them. */
function observedChildren(): KubeObject[] {
  const first = sync(
    hookRequest(machine({ template: "medium", disks: [{ name: "data", size: "10Gi" }] }), {
      related,
    }),
    NOW,
  );
  return first.children.map((child) => stored(child));
}

const quantity = fc.constantFrom("8Gi", "3072Mi", "1.5Gi", "bad", "", "0", "-1Gi", "1e3");
const disk = fc.record(
  {
    name: fc.constantFrom("root", "data", "logs", "Data", "", "a/b"),
    size: quantity,
    storageClass: fc.constantFrom("default", "fast", "missing"),
    accessMode: fc.constantFrom("ReadWriteOnce", "ReadWriteMany", "Sometimes"),
  },
  { requiredKeys: ["name"] },
);
const spec = fc.record(
  {
    template: fc.constantFrom("small", "medium", "large", "huge", ""),
    resources: fc.record(
      {
        cpu: fc.record({ cores: fc.oneof(fc.integer({ min: -1, max: 64 }), fc.constant("4")) }),
        memory: fc.record({ size: quantity }),
      },
      { requiredKeys: [] },
    ),
    disks: fc.array(disk, { maxLength: 4 }),
    running: fc.boolean(),
  },
  { requiredKeys: ["template"] },
);

describe(`machine-controller sync properties (fast-check, ${RUNS} runs each)`, () => {
  const children = observedChildren();

  it("should answer byte-identically for the same input, and never throw", () => {
    fc.assert(
      fc.property(spec, fc.boolean(), (given, withChildren) => {
        const request = (): ReturnType<typeof hookRequest> =>
          hookRequest(machine(given), { related, children: withChildren ? children : [] });
        expect(JSON.stringify(sync(request(), NOW))).to.equal(JSON.stringify(sync(request(), NOW)));
      }),
      { numRuns: RUNS },
    );
  });

  it("should never delete an observed child (a removed disk keeps its PVC), and none at all when the Machine is invalid", () => {
    let failed = 0;
    fc.assert(
      fc.property(spec, (given) => {
        const answer = sync(hookRequest(machine(given), { related, children }), NOW);
        const phase = (answer.status as { phase?: string } | undefined)?.phase;
        if (phase === "Failed") failed += 1;
        const names = answer.children.map((c) => `${c.kind}/${c.metadata?.name}`);
        for (const child of children)
          expect(names).to.include(`${child.kind}/${child.metadata?.name}`);
      }),
      { numRuns: RUNS },
    );
    // The generators must reach the invalid side, or the property proves nothing.
    expect(failed).to.be.greaterThan(0);
  });
});
