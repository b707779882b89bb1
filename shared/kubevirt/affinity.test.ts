import { expect } from "chai";
import { hostnameOf, pinToHostname } from "./affinity.ts";
import type { NodeSelectorRequirement, NodeSelectorTerm, VmiSpec } from "./types.ts";

const PIN: NodeSelectorRequirement = {
  key: "kubernetes.io/hostname",
  operator: "In",
  values: ["gpu-1"],
};

function required(terms: NodeSelectorTerm[]): VmiSpec {
  return {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms },
      },
    },
  };
}

describe("pinToHostname", () => {
  const zone = { key: "topology.kubernetes.io/zone", operator: "In" as const, values: ["a"] };
  const ssd = { key: "disk", operator: "Exists" as const };
  const cases: { name: string; given: VmiSpec; want: VmiSpec }[] = [
    {
      name: "a spec without affinity gets one term",
      given: { domain: {} },
      want: { domain: {}, ...required([{ matchExpressions: [PIN] }]) },
    },
    {
      name: "preferred affinity and other affinities are kept",
      given: {
        affinity: {
          podAntiAffinity: { x: 1 },
          nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 }] },
        },
      },
      want: {
        affinity: {
          podAntiAffinity: { x: 1 },
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 }],
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [PIN] }],
            },
          },
        },
      },
    },
    {
      name: "every existing term gets the requirement, keeping its own",
      given: required([{ matchExpressions: [zone] }, { matchExpressions: [ssd], matchFields: [] }]),
      want: required([
        { matchExpressions: [zone, PIN] },
        { matchExpressions: [ssd, PIN], matchFields: [] },
      ]),
    },
    {
      name: "a term with only matchFields gets matchExpressions",
      given: required([
        { matchFields: [{ key: "metadata.name", operator: "In", values: ["gpu-1"] }] },
      ]),
      want: required([
        {
          matchFields: [{ key: "metadata.name", operator: "In", values: ["gpu-1"] }],
          matchExpressions: [PIN],
        },
      ]),
    },
    {
      name: "a term already pinned is left as it is",
      given: required([{ matchExpressions: [PIN, zone] }]),
      want: required([{ matchExpressions: [PIN, zone] }]),
    },
  ];
  for (const tc of cases) {
    it(`should pin: ${tc.name}`, () => {
      expect(pinToHostname(structuredClone(tc.given), "gpu-1")).to.deep.equal(tc.want);
    });
  }
});

describe("hostnameOf", () => {
  it("should prefer the kubernetes.io/hostname label over the node name", () => {
    expect([
      hostnameOf({
        name: "ip-10-0-0-1.ec2.internal",
        labels: { "kubernetes.io/hostname": "ip-10-0-0-1" },
      }),
      hostnameOf({ name: "gpu-1", labels: {} }),
    ]).to.deep.equal(["ip-10-0-0-1", "gpu-1"]);
  });
});
