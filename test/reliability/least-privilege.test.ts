import { expect } from "chai";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { mutators } from "../../functions/mutators.ts";
import { SECRET, sameKind } from "../../shared/kube/kinds.ts";
import { KNATIVE_DIR, manifestDocuments } from "../helpers/manifests.ts";
import type { ApiCall } from "../helpers/rbac.ts";
import {
  allows,
  callOf,
  grantsOf,
  permissions,
  serviceAccountOf,
  usedBy,
} from "../helpers/rbac.ts";
import { objectsFor } from "./admission-checks.ts";

const SIDECAR_FRAGMENT = fileURLToPath(
  new URL("../../functions/imds-server/sidecar.yaml", import.meta.url),
);
import type { Running } from "./harness.ts";
import { lines, sampleExchange, startLine, usesCluster } from "./harness.ts";

// Least privilege, derived and checked: the API calls each function makes on the code paths the
// suite exercises, recorded at the local API server, against the RBAC shipped in knative/.

const docs = manifestDocuments().map(({ doc }) => doc);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Drives the function's code paths: generated objects for a feature, publish cycles otherwise. */
async function exercise(running: Running): Promise<void> {
  const { feature, line } = running;
  if (feature && line.admission) {
    const objects = fc.sample(objectsFor(feature, line.admission), { numRuns: 150, seed: 42 });
    for (const object of [line.admission.sample(), ...objects]) {
      const exchange = await sampleExchange(running, object);
      await running.send(exchange);
    }
    await line.exerciseWrites?.(running.api, async () => {
      await running.send(await sampleExchange(running, line.admission?.sample()));
    });
    return;
  }
  await sleep((line.settleMs ?? 0) * 2);
}

const describeCall = (c: ApiCall): string =>
  `${c.verb} ${c.group ? `${c.group}/` : ""}${c.resource}${c.namespace ? ` in ${c.namespace}` : ""}${c.name ? ` named ${c.name}` : ""}`;

for (const { name, line, feature } of lines()) {
  describe(`${name}'s RBAC against the calls it makes`, () => {
    const account = serviceAccountOf(docs, name);
    const grants = account ? grantsOf(docs, account) : [];

    if (!usesCluster(line, feature)) {
      it("should be bound to no rule, since it never calls the API", () => {
        expect(grants).to.deep.equal([]);
      });
      return;
    }

    let calls: ApiCall[] = [];
    before(async () => {
      const running = await startLine(name, { CLUSTER_CACHE_TTL_MS: "1" });
      await exercise(running);
      calls = running.api.requests.map(callOf).filter((c): c is ApiCall => c !== undefined);
      await running.stop();
    });

    it("should run under its own ServiceAccount", () => {
      expect(
        account,
        `no workload in knative/ runs FUNCTION_TARGET=${name} with a serviceAccountName`,
      ).to.equal(`vm-feature-functions/${name}`);
    });

    it("should be granted every call it makes", () => {
      expect(calls).to.not.deep.equal([]);
      const missing = calls.filter((c) => !grants.some((g) => allows(g, c))).map(describeCall);
      expect([...new Set(missing)]).to.deep.equal([]);
    });

    it("should use every permission it is granted", () => {
      const unused = grants.flatMap((g) => permissions(g).filter((p) => !usedBy(p, g, calls)));
      expect(unused).to.deep.equal([]);
    });
  });
}

describe("secrets and tokens", () => {
  // Metacontroller's own role is not a function's: machine-controller's customize hook asks it
  // for the cloud-init Secret (issue 10 wants the Secret's existence checked), so Metacontroller
  // watches Secrets; the function's own ServiceAccount gets none, never copies the Secret into a
  // child (the VM references it by name) and never logs it (docs/functions/machine-controller.md).
  const NOT_A_FUNCTION = ["vm-feature-functions:machine-controller-metacontroller"];

  it("should grant no function Secrets, wildcards or escalation verbs", () => {
    const roles = docs.filter(
      (d) =>
        (d.kind === "Role" || d.kind === "ClusterRole") &&
        !NOT_A_FUNCTION.includes(d.metadata?.name ?? ""),
    );
    type Rule = { role?: string; resources?: string[]; apiGroups?: string[]; verbs?: string[] };
    const rules: Rule[] = roles.flatMap((r) =>
      ((r as { rules?: Rule[] }).rules ?? []).map((rule) => ({ ...rule, role: r.metadata?.name })),
    );
    const bad = rules.filter(
      (r) =>
        [...(r.resources ?? []), ...(r.apiGroups ?? []), ...(r.verbs ?? [])].includes("*") ||
        (r.resources ?? []).includes("secrets") ||
        (r.verbs ?? []).some((v) => ["escalate", "bind", "impersonate"].includes(v)),
    );
    expect(bad).to.deep.equal([]);
  });

  it("should have no feature read Secrets", () => {
    const readers = mutators
      .map((make) => make())
      .filter((f) => f.reads.some((k) => sameKind(k, SECRET)));
    expect(readers.map((f) => f.name)).to.deep.equal([]);
  });

  // Every projected token in knative/ and in the imds-server sidecar fragment: its audience
  // must be set, and never one the API server accepts, so a token leaked from a guest cannot act
  // on the cluster.
  it("should never mint a projected token for the API server's audience", () => {
    const apiAudiences = [
      "",
      "api",
      "kubernetes",
      "https://kubernetes.default.svc",
      "https://kubernetes.default.svc.cluster.local",
      "kubernetes.default.svc",
    ];
    const tokens: { file: string; audience: unknown }[] = [];
    const visit = (file: string, value: unknown): void => {
      if (typeof value !== "object" || value === null) return;
      const token = (value as Record<string, unknown>)["serviceAccountToken"];
      if (token) tokens.push({ file, audience: (token as Record<string, unknown>)["audience"] });
      for (const child of Object.values(value)) visit(file, child);
    };
    const files = readdirSync(KNATIVE_DIR)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => `${KNATIVE_DIR}${f}`);
    for (const file of [...files, SIDECAR_FRAGMENT])
      for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) visit(file, doc.toJS());
    expect(tokens).to.not.deep.equal([]);
    for (const { file, audience } of tokens) {
      expect(audience, file).to.be.a("string");
      expect(apiAudiences, `${file}: audience ${String(audience)}`).to.not.include(audience);
    }
  });
});
