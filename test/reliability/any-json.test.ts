// No user input reaches an internal error. For every admission feature, arbitrary JSON at every
// path it reads of its table sample (found by running it on a recording proxy: nested fields,
// annotations, what it reads but the sample lacks) and at every field it declares gets the
// feature's own answer; the preview, running the whole chain on such an object, never fails.
import { expect } from "chai";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { mutators } from "../../functions/mutators.ts";
import { namesOf } from "../../functions/registry.ts";
import { admit } from "../../shared/admission/admit.ts";
import type { Feature, MutationRequest } from "../../shared/admission/feature.ts";
import { settingsFromEnv } from "../../shared/admission/settings.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import { snapshotReader } from "../../shared/kube/snapshot-reader.ts";
import { MACHINE } from "../../functions/machine-controller/api.ts";
import { inChainOrder } from "../../shared/preview/chain.ts";
import { unhandledKind, unusableObject } from "../../shared/preview/input.ts";
import { preview } from "../../shared/preview/run.ts";
import { parseObjects } from "../../shared/preview/snapshot.ts";
import { webhookEntries } from "../../shared/webhooks/entry.ts";
import { admissionRequest } from "../../shared/webhooks/request.ts";
import { pathSteps, withValueAt } from "../helpers/field-paths.ts";
import { SNAPSHOT_FIELDS } from "../../shared/preview/snapshot-fields.ts";
import { malformedSnapshotObject } from "../../shared/preview/snapshot-check.ts";
import { applyResponse } from "../helpers/review.ts";
import type { Steps } from "../helpers/read-paths.ts";
import { readPaths } from "../helpers/read-paths.ts";
import type { AdmissionLine } from "./line.ts";
import { FUNCTIONS } from "./functions.ts";
import { featureNamed } from "./harness.ts";

/** Runs per property, as in properties.test.ts: `FC_RUNS` raises it. */
const RUNS = Number(process.env["FC_RUNS"] ?? 150);

/** Any JSON, nested a little, and the values most often wrong for one field. */
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, 0, -1, 1.5, "", "x", true, [], {}, [null], [3], { a: 1 }),
);

/** What the feature reads of `object`, running its view and mutation as the core would. */
async function featureReads(
  feature: Feature,
  object: KubeObject,
  cluster: readonly KubeObject[],
): Promise<Steps[]> {
  const { kind, namespace, name } = admissionRequest(object, { uid: "read" });
  const request: MutationRequest = {
    operation: "CREATE",
    kind,
    namespace: namespace ?? "",
    name: name ?? "",
    generateName: "",
    dryRun: true,
  };
  const reader = snapshotReader(cluster);
  return readPaths(object, async (proxy) => {
    const view: unknown = await feature.view(
      proxy as KubeObject,
      request,
      reader,
      AbortSignal.timeout(5000),
    );
    feature.mutate(proxy as KubeObject, request, view);
  });
}

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  $ref?: string;
}

/** Every field the feature's fields schema types, nested ones included (lists' entries as `[]`). */
async function schemaPaths(name: string): Promise<Steps[]> {
  const { fieldsSchema } = (await import(`../../functions/${name}/fields-schema.generated.ts`)) as {
    fieldsSchema: SchemaNode & { definitions?: Record<string, SchemaNode> };
  };
  const found: Steps[] = [];
  const walk = (node: SchemaNode, steps: Steps): void => {
    const at = node.$ref
      ? (fieldsSchema.definitions?.[node.$ref.split("/").at(-1) ?? ""] ?? {})
      : node;
    if (steps.length > 0) found.push(steps);
    for (const [key, child] of Object.entries(at.properties ?? {})) walk(child, [...steps, key]);
    if (at.items) walk(at.items, [...steps, "[]"]);
  };
  walk(fieldsSchema, []);
  return found;
}

/** `object` as the feature changes it: the API server may call it again with that. */
async function afterOnce(
  feature: Feature,
  object: KubeObject,
  cluster: readonly KubeObject[],
): Promise<KubeObject> {
  const request = admissionRequest(object, { uid: "once" });
  const { answer } = await admit(
    feature,
    request,
    settingsFromEnv(feature.name, {}),
    snapshotReader(cluster),
  );
  return applyResponse(object, { uid: "once", ...answer });
}

/**
 * Every path to try for a feature: what it reads of its sample and of its own output, and every
 * field its schema types.
 */
async function pathsOf(
  feature: Feature,
  line: AdmissionLine,
  cluster: readonly KubeObject[],
): Promise<Steps[]> {
  const sample = line.sample();
  const read = [
    ...(await featureReads(feature, sample, cluster)),
    ...(await featureReads(feature, await afterOnce(feature, sample, cluster), cluster)),
  ];
  const all = [...read, ...(await schemaPaths(feature.name))];
  return [...new Map(all.map((steps) => [JSON.stringify(steps), steps])).values()];
}

/** Every line the answer carries: its message and its warnings. */
const said = (answer: { status?: { message?: string }; warnings?: string[] }): string[] => [
  answer.status?.message ?? "",
  ...(answer.warnings ?? []),
];

const admission = mutators
  .map((build) => build().name)
  .map((name) => ({ name, line: FUNCTIONS[name]?.admission, feature: featureNamed(name) }));

describe("arbitrary JSON at every path a feature reads", function () {
  this.timeout(120_000);

  it("should cover every admission feature", () => {
    expect(admission.filter((a) => a.line && a.feature).map((a) => a.name)).to.deep.equal(
      namesOf("admission"),
    );
  });

  for (const { name, line, feature } of admission) {
    if (!line || !feature) continue;
    const cluster = FUNCTIONS[name]?.cluster ?? [];
    const settings = settingsFromEnv(name, FUNCTIONS[name]?.env?.() ?? {});

    it(`should get ${name}'s own answer, never an internal error`, async () => {
      const paths = await pathsOf(feature, line, cluster);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...paths), anyJson, async (steps, value) => {
          const object = withValueAt(line.sample(), steps, value) as KubeObject;
          // The API server's request: its kind is the object's, whatever the object then says.
          const request = { ...admissionRequest(line.sample(), { uid: "any-json" }), object };
          const { answer } = await admit(feature, request, settings, snapshotReader(cluster));
          for (const text of said(answer)) expect(text).to.not.include("internal error");
          if (!answer.allowed) {
            const message = answer.status?.message ?? "";
            expect([answer.status?.code, message.startsWith(`${name}: `)], message).to.deep.equal([
              403,
              true,
            ]);
          }
        }),
        { numRuns: RUNS },
      );
    });
  }

  describe("through the preview", () => {
    const features = mutators.map((build) => build());
    const chain = inChainOrder(
      features,
      webhookEntries(
        readFileSync(new URL("../../knative/webhooks.yaml", import.meta.url), "utf8"),
        "knative/webhooks.yaml",
      ),
    );
    const examples = parseObjects(
      readFileSync(new URL("../../examples/cluster.yaml", import.meta.url), "utf8"),
      "examples/cluster.yaml",
    );
    // What the dispatch reads before any function: the namespace, labels and annotations.
    const METADATA: Steps[] = ["namespace", "name", "labels", "annotations"].map((field) => [
      "metadata",
      field,
    ]);

    for (const { name, line, feature } of admission) {
      if (!line || !feature) continue;
      const cluster = [...examples, ...(FUNCTIONS[name]?.cluster ?? [])];

      it(`should run the chain on ${name}'s sample, never failing nor answering an internal error`, async () => {
        const paths = [...(await pathsOf(feature, line, cluster)), ...METADATA];
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...paths), anyJson, async (steps, value) => {
            const object = withValueAt(line.sample(), steps, value) as KubeObject;
            // What the preview refuses before it runs the chain is its own one line (exit 2).
            if (unusableObject(object) ?? unhandledKind(object, features, [MACHINE.kind])) return;
            const result = await preview(object, chain, snapshotReader(cluster));
            const lines = [result.denied?.message ?? "", ...Object.values(result.warnings ?? {})];
            for (const text of lines.flat()) expect(text).to.not.include("internal error");
          }),
          { numRuns: RUNS },
        );
      });
    }

    describe("with arbitrary JSON in a snapshot object", () => {
      // What a matchCondition's authorizer reads; no example snapshot holds RBAC.
      const RBAC = { apiVersion: "rbac.authorization.k8s.io/v1" };
      const RULES = [
        { apiGroups: [""], resources: ["pods"], resourceNames: ["a"], verbs: ["get"] },
      ];
      const ROLE_REF = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "r" };
      const SUBJECTS = [{ kind: "ServiceAccount", name: "s", namespace: "default" }];
      const RBAC_OBJECTS = [
        { ...RBAC, kind: "Role", metadata: { name: "r", namespace: "default" }, rules: RULES },
        { ...RBAC, kind: "ClusterRole", metadata: { name: "r" }, rules: RULES },
        {
          ...RBAC,
          kind: "RoleBinding",
          metadata: { name: "b", namespace: "default" },
          roleRef: ROLE_REF,
          subjects: SUBJECTS,
        },
        {
          ...RBAC,
          kind: "ClusterRoleBinding",
          metadata: { name: "b" },
          roleRef: ROLE_REF,
          subjects: SUBJECTS,
        },
      ] as KubeObject[];
      const samples = admission.flatMap(({ line }) => (line ? [line.sample()] : []));
      const snapshot = [
        ...examples,
        ...["vbios-injection-cluster.yaml", "vbios-rom.yaml"].flatMap((file) =>
          parseObjects(
            readFileSync(new URL(`../../examples/${file}`, import.meta.url), "utf8"),
            file,
          ),
        ),
        ...RBAC_OBJECTS,
      ];
      for (const [kind, fields] of Object.entries(SNAPSHOT_FIELDS)) {
        const index = snapshot.findIndex((o) => o.kind === kind);
        const paths = [...fields.map(pathSteps), ...METADATA];

        it(`should refuse a ${kind} in one line or run the chain on it, never failing`, async () => {
          expect(index, `the examples hold no ${kind}`).to.not.equal(-1);
          await fc.assert(
            fc.asyncProperty(
              fc.constantFrom(...paths),
              anyJson,
              fc.constantFrom(...samples),
              async (steps, value, sample) => {
                const object = withValueAt(snapshot[index], steps, value) as KubeObject;
                const refused = malformedSnapshotObject(object);
                if (refused !== undefined) {
                  expect(refused).to.match(new RegExp(`^${kind} `));
                  expect(refused).to.not.include("\n");
                  return;
                }
                const cluster = snapshot.map((o, i) => (i === index ? object : o));
                if (unusableObject(sample) ?? unhandledKind(sample, features, [MACHINE.kind]))
                  return;
                const result = await preview(sample, chain, snapshotReader(cluster));
                const lines = [
                  result.denied?.message ?? "",
                  ...Object.values(result.warnings ?? {}),
                ];
                for (const text of lines.flat()) expect(text).to.not.include("internal error");
              },
            ),
            { numRuns: RUNS },
          );
        });
      }
    });
  });
});
