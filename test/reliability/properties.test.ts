import { expect } from "chai";
import fc from "fast-check";
import type { Arbitrary } from "fast-check";
import { mutators } from "../../functions/mutators.ts";
import { admit } from "../../shared/admission/admit.ts";
import type { Decision } from "../../shared/admission/outcome.ts";
import { errorAnnotation } from "../../shared/admission/annotations.ts";
import type { Feature } from "../../shared/admission/feature.ts";
import type { ErrorHandling } from "../../shared/admission/settings.ts";
import type { AdmissionRequest } from "../../shared/admission/types.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import { allowed, toReviewResponse } from "../../shared/admission/response.ts";
import { snapshotReader } from "../../shared/kube/snapshot-reader.ts";
import { laterReader } from "../helpers/cluster.ts";
import { applyJsonPatch } from "../helpers/json-patch.ts";
import { admissionReview, decodePatch } from "../helpers/review.ts";
import {
  changedPaths,
  objectsFor,
  ownPaths,
  responseProblems,
  scrambledFor,
  underAny,
} from "./admission-checks.ts";
import { FUNCTIONS } from "./functions.ts";
import type { AdmissionLine } from "./line.ts";

/** Runs per property; `FC_RUNS` raises it for a longer search, `FC_SEED` replays a failure. */
export const RUNS = Number(process.env["FC_RUNS"] ?? 150);
const SEED = process.env["FC_SEED"] === undefined ? {} : { seed: Number(process.env["FC_SEED"]) };
const MODES: readonly ErrorHandling[] = ["reject", "allow-and-log", "strip-label"];

interface Case {
  object: KubeObject;
  cluster: KubeObject[];
  operation: "CREATE" | "UPDATE";
  dryRun: boolean;
  named: boolean;
  tracking: boolean;
}

function cases(
  objects: Arbitrary<KubeObject>,
  line: AdmissionLine,
  cluster: readonly KubeObject[],
): Arbitrary<Case> {
  return fc.record({
    object: objects,
    cluster: line.clusters ?? fc.constant([...cluster]),
    operation: fc.constantFrom("CREATE" as const, "UPDATE" as const),
    dryRun: fc.boolean(),
    named: fc.boolean(),
    tracking: fc.boolean(),
  });
}

function requestFor(c: Case, object: KubeObject): AdmissionRequest {
  const name = c.named ? (object.metadata?.name ?? "") : "";
  const kind = object.kind === "Pod" ? { group: "", version: "v1", kind: "Pod" } : undefined;
  return admissionReview(object, {
    operation: c.operation,
    dryRun: c.dryRun,
    name,
    ...(kind ? { kind } : {}),
    ...(c.operation === "UPDATE" ? { oldObject: object } : {}),
  }).request;
}

async function admitIn(
  feature: Feature,
  c: Case,
  mode: ErrorHandling,
  { object = c.object, later = false }: { object?: KubeObject; later?: boolean } = {},
): Promise<Decision> {
  const settings = { errorHandling: mode, tracking: c.tracking, viewDeadlineMs: 1000 };
  const cluster = snapshotReader(c.cluster);
  return admit(feature, requestFor(c, object), settings, later ? laterReader(cluster) : cluster);
}

function resultOf(object: KubeObject, decision: Decision): KubeObject {
  return applyJsonPatch(object, decodePatch({ uid: "", ...decision.answer }));
}

function without(object: KubeObject, key: string): KubeObject {
  const copy = structuredClone(object);
  if (copy.metadata?.annotations) delete copy.metadata.annotations[key];
  return copy;
}

function withAnnotation(object: KubeObject, key: string, value: string): KubeObject {
  const copy = structuredClone(object);
  copy.metadata = {
    ...copy.metadata,
    annotations: { ...copy.metadata?.annotations, [key]: value },
  };
  return copy;
}

for (const make of mutators) {
  const feature = make();
  const line = FUNCTIONS[feature.name]?.admission;
  const cluster = FUNCTIONS[feature.name]?.cluster ?? [];

  describe(`${feature.name} properties (fast-check, ${RUNS} runs each)`, () => {
    it("should have a reliability line with its admission", () => {
      expect(
        line,
        `give functions/${feature.name}/fixtures/reliability.ts an admission entry`,
      ).to.not.equal(undefined);
    });
    if (!line) return;
    const shaped = cases(objectsFor(feature, line), line, cluster);
    const anything = cases(scrambledFor(feature, line), line, cluster);
    const check = (arb: Arbitrary<Case>, property: (c: Case) => Promise<void>): Promise<void> =>
      fc.assert(fc.asyncProperty(arb, property), { numRuns: RUNS, ...SEED });

    it("should never throw out of the core and always answer well formed, even with members of the wrong type", () =>
      check(anything, async (c) => {
        for (const mode of MODES) {
          const decision = await admitIn(feature, c, mode);
          const review = toReviewResponse(admissionReview(c.object), decision.answer);
          expect(responseProblems(feature.name, review.response.uid, review), mode).to.deep.equal(
            [],
          );
        }
      }));

    // The snapshot answers at hand, as the live reader does from a fresh cache; its first read
    // of each query answers later. The decision must not depend on which.
    it("should decide the same whether the cluster answers at hand or only later", () =>
      check(anything, async (c) => {
        for (const mode of MODES) {
          const atHand = await admitIn(feature, c, mode);
          expect(await admitIn(feature, c, mode, { later: true }), mode).to.deep.equal(atHand);
        }
      }));

    it("should never fail with an internal error on KubeVirt-shaped objects", () =>
      check(shaped, async (c) => {
        const decision = await admitIn(feature, c, "reject");
        expect(decision.answer.status?.code, decision.answer.status?.message).to.not.equal(500);
      }));

    it("should send patches that apply to the original with an independent RFC 6902 implementation", () =>
      check(shaped, async (c) => {
        for (const mode of MODES) {
          const result = resultOf(c.object, await admitIn(feature, c, mode));
          expect([result.apiVersion, result.kind, result.metadata?.name]).to.deep.equal([
            c.object.apiVersion,
            c.object.kind,
            c.object.metadata?.name,
          ]);
        }
      }));

    it("should give no patch when its own result comes back (reinvocation)", () =>
      check(shaped, async (c) => {
        for (const mode of MODES) {
          const result = resultOf(c.object, await admitIn(feature, c, mode));
          const again = await admitIn(feature, { ...c, operation: "UPDATE" }, mode, {
            object: result,
          });
          expect(decodePatch({ uid: "", ...again.answer }), mode).to.deep.equal([]);
        }
      }));

    it("should touch nothing outside its own paths", () =>
      check(shaped, async (c) => {
        const own = ownPaths(feature, line);
        for (const mode of MODES) {
          const changed = changedPaths(
            c.object,
            resultOf(c.object, await admitIn(feature, c, mode)),
          );
          expect(
            changed.filter((path) => !underAny(path, own)),
            mode,
          ).to.deep.equal([]);
        }
      }));

    it("should hold each error mode's documented outcome", () =>
      check(shaped, (c) => errorModesHold(feature, c)));
  });
}

/** reject, allow-and-log and strip-label as docs/admission-core.md describes them. */
async function errorModesHold(feature: Feature, c: Case): Promise<void> {
  const [reject, logged, stripped] = await Promise.all(
    MODES.map((mode) => admitIn(feature, c, mode)),
  );
  if (!reject || !logged || !stripped) throw new Error("unreachable");
  if (reject.answer.allowed) {
    // The mode decides only what a failure does.
    expect(logged.answer).to.deep.equal(reject.answer);
    expect(stripped.answer).to.deep.equal(reject.answer);
    return;
  }
  const message = reject.answer.status?.message ?? "";
  const lines = allowed([message]).warnings ?? [];
  expect(reject.answer.patch).to.equal(undefined);
  for (const answer of [logged.answer, stripped.answer]) {
    expect(answer.allowed).to.equal(true);
    expect(answer.warnings).to.include.members(lines);
  }
  expect(resultOf(c.object, logged)).to.deep.equal(
    withAnnotation(c.object, errorAnnotation(feature.name), message),
  );
  expect(resultOf(c.object, stripped)).to.deep.equal(await asIfNeverAsked(feature, c));
}

// strip-label: what the object gets without the trigger and a stale error annotation.
async function asIfNeverAsked(feature: Feature, c: Case): Promise<KubeObject> {
  const bare = without(without(c.object, feature.triggerAnnotation), errorAnnotation(feature.name));
  if (c.object.metadata?.annotations?.[feature.triggerAnnotation] === undefined) return bare;
  const retried = await admitIn(feature, c, "reject", { object: bare });
  return retried.answer.allowed ? resultOf(bare, retried) : bare;
}
