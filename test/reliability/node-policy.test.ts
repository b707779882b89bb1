import { expect } from "chai";
import { isCelError, run } from "@bufbuild/cel";
import type { CelInput } from "@bufbuild/cel";
import fc from "fast-check";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import { toJson } from "../helpers/arbitraries/common.ts";
import { manifestDocuments } from "../helpers/manifests.ts";
import type { Doc } from "../helpers/manifests.ts";
import { startLine } from "./harness.ts";

// cpu-labeller's ValidatingAdmissionPolicy (knative/cpu-labeller.yaml), evaluated with a CEL
// implementation on the variables the API server binds: what it lets the ServiceAccount change on
// a node, including what the real function writes.

const USER = "system:serviceaccount:vm-feature-functions:cpu-labeller";
const NODE_NAME = "authentication.kubernetes.io/node-name";
const docs = manifestDocuments().map(({ doc }) => doc);
const policy = docs.find(
  (d) => d.kind === "ValidatingAdmissionPolicy" && d.metadata?.name === "cpu-labeller-own-node",
);
const spec = (policy as Doc & { spec: PolicySpec }).spec;

interface PolicySpec {
  matchConditions: { expression: string }[];
  variables: { name: string; expression: string }[];
  validations: { expression: string; message: string }[];
}

interface Request {
  user?: string;
  /** The node name in the caller's token; undefined = no such claim. */
  tokenNode?: string;
  old: KubeObject;
  next: KubeObject;
}

function evaluate(expression: string, bindings: Record<string, CelInput>): unknown {
  const result = run(expression, bindings);
  if (isCelError(result)) throw new Error(`${expression}: ${result.message}`);
  return result;
}

/** undefined when the policy lets the update through, else the first failed validation's message. */
function refusal(r: Request): string | undefined {
  const userInfo = {
    username: r.user ?? USER,
    ...(r.tokenNode === undefined ? {} : { extra: { [NODE_NAME]: [r.tokenNode] } }),
  };
  const bindings: Record<string, CelInput> = {
    object: r.next as CelInput,
    oldObject: r.old as CelInput,
    request: { userInfo } as CelInput,
  };
  if (!spec.matchConditions.every((c) => evaluate(c.expression, bindings) === true))
    return undefined;
  const variables: Record<string, CelInput> = {};
  for (const v of spec.variables)
    variables[v.name] = evaluate(v.expression, { ...bindings, variables }) as CelInput;
  return spec.validations.find((v) => evaluate(v.expression, { ...bindings, variables }) !== true)
    ?.message;
}

function node(
  name: string,
  labels: Record<string, string>,
  annotations?: Record<string, string>,
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels, ...(annotations ? { annotations } : {}) },
    spec: { podCIDR: "10.0.0.0/24" },
    ...extra,
  };
}

const OWN = "cpu.vm-feature-manager.io/vendor";
const base = node(
  "n1",
  { "kubernetes.io/hostname": "n1" },
  { "node.alpha.kubernetes.io/ttl": "0" },
);
const withLabels = (
  labels: Record<string, string>,
  annotations = base.metadata?.annotations,
): KubeObject => node("n1", { ...base.metadata?.labels, ...labels }, annotations);

describe("cpu-labeller's ValidatingAdmissionPolicy", () => {
  const cases: { name: string; request: Request; want: string | undefined }[] = [
    {
      name: "its own labels on its own node",
      request: { tokenNode: "n1", old: base, next: withLabels({ [OWN]: "intel" }) },
      want: undefined,
    },
    {
      name: "the inventory annotation on its own node",
      request: {
        tokenNode: "n1",
        old: base,
        next: withLabels(
          {},
          { ...base.metadata?.annotations, "pci.vm-feature-manager.io/devices": "[]" },
        ),
      },
      want: undefined,
    },
    {
      name: "another node",
      request: { tokenNode: "n2", old: base, next: withLabels({ [OWN]: "intel" }) },
      want: "cpu-labeller may change only the node its pod runs on (the node name in its token)",
    },
    {
      name: "a token without the node name",
      request: { old: base, next: withLabels({ [OWN]: "intel" }) },
      want: "cpu-labeller may change only the node its pod runs on (the node name in its token)",
    },
    {
      name: "a label of someone else's",
      request: {
        tokenNode: "n1",
        old: base,
        next: withLabels({ "node-role.kubernetes.io/control-plane": "" }),
      },
      want: "cpu-labeller may change only labels under cpu.vm-feature-manager.io/",
    },
    {
      name: "removing someone else's label",
      request: { tokenNode: "n1", old: base, next: node("n1", {}, base.metadata?.annotations) },
      want: "cpu-labeller may change only labels under cpu.vm-feature-manager.io/",
    },
    {
      name: "a KubeVirt label",
      request: {
        tokenNode: "n1",
        old: base,
        next: withLabels({ "kubevirt.io/schedulable": "false" }),
      },
      want: "cpu-labeller may change only labels under cpu.vm-feature-manager.io/",
    },
    {
      name: "an annotation of someone else's",
      request: {
        tokenNode: "n1",
        old: base,
        next: withLabels({}, { "node.alpha.kubernetes.io/ttl": "30" }),
      },
      want: "cpu-labeller may change only its own annotations (cpu. and pci.vm-feature-manager.io/)",
    },
    {
      name: "a taint",
      request: {
        tokenNode: "n1",
        old: base,
        next: {
          ...base,
          spec: { podCIDR: "10.0.0.0/24", taints: [{ key: "x", effect: "NoSchedule" }] },
        },
      },
      want: "cpu-labeller may not change a node's spec (taints, unschedulable, podCIDR)",
    },
    {
      name: "a change by another identity (not this policy's business)",
      request: { user: "system:node:n2", tokenNode: "n2", old: base, next: withLabels({ a: "b" }) },
      want: undefined,
    },
  ];
  for (const tc of cases) {
    it(`should ${tc.want ? "refuse" : "allow"} ${tc.name}`, () => {
      expect(refusal(tc.request)).to.equal(tc.want);
    });
  }

  it("should decide every label edit as 'own node and only cpu.vm-feature-manager.io/ keys changed' (fast-check)", () => {
    const key = fc.oneof(
      fc.constantFrom(
        OWN,
        "cpu.vm-feature-manager.io/nested",
        "kubernetes.io/hostname",
        "kubevirt.io/schedulable",
        "cpu.vm-feature-manager.io",
      ),
      fc.string({ maxLength: 6 }),
    );
    const labels = fc
      .dictionary(key, fc.constantFrom("", "true", "intel", "amd"), { maxKeys: 4 })
      .map((m) => toJson(m));
    fc.assert(
      fc.property(labels, labels, fc.constantFrom("n1", "n2"), (before, after, tokenNode) => {
        const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
          (k) => before[k] !== after[k],
        );
        const allowed =
          tokenNode === "n1" && changed.every((k) => k.startsWith("cpu.vm-feature-manager.io/"));
        const answer = refusal({ tokenNode, old: node("n1", before), next: node("n1", after) });
        expect(answer === undefined).to.equal(allowed);
      }),
      { numRuns: 300 },
    );
  });

  // The real function's write: whatever cpu-labeller publishes (labels today, an inventory
  // annotation once it has one) must pass its own policy, and only on its own node.
  it("should allow exactly what the running cpu-labeller writes to its node", async () => {
    const running = await startLine("cpu-labeller");
    const before = running.line.cluster.find((o) => o.kind === "Node") as KubeObject;
    const after = running.api.node(before.metadata?.name ?? "") as KubeObject;
    await running.stop();
    // The API server sets resourceVersion itself; it is not part of what the function wrote.
    const next = structuredClone(after);
    delete next.metadata?.["resourceVersion"];
    expect(next).to.not.deep.equal(before);
    expect(refusal({ tokenNode: before.metadata?.name ?? "", old: before, next })).to.equal(
      undefined,
    );
    expect(refusal({ tokenNode: "elsewhere", old: before, next })).to.not.equal(undefined);
  });
});
