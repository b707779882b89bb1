// Each feature declares the kinds and operations it handles and the annotation that asks for it
// (shared/admission/feature.ts). Its webhook entry in the chart (knative/webhooks.yaml is the
// chart's rendering, kept current by test/render.test.ts) must call it for exactly those: an
// operation the entry leaves out would silently never reach the function, and an object that
// does not ask must never wake it.
import { expect } from "chai";
import { mutators } from "../functions/mutators.ts";
import type { Feature } from "../shared/admission/feature.ts";
import type { AdmissionRequest } from "../shared/admission/types.ts";
import type { KubeObject } from "../shared/basics/kube-object.ts";
import { pluralOf } from "../shared/kube/kinds.ts";
import { launcherPod, podReview } from "./helpers/launcher-pod.ts";
import { manifestDocuments } from "./helpers/manifests.ts";
import { admissionReview, virtualMachine } from "./helpers/review.ts";
import { calls } from "../shared/webhooks/dispatch.ts";
import type { WebhookEntry } from "../shared/webhooks/entry.ts";

const OPERATIONS = ["CREATE", "UPDATE", "DELETE", "CONNECT"] as const;
const NAMESPACE = { "kubernetes.io/metadata.name": "default" };

// macvtap-capabilities' annotation only opts a pod out: a macvtap resource, in a namespace that
// opted in, is what asks (test/manifests-pods.test.ts covers each way of asking).
const MACVTAP = { "macvtap.network.kubevirt.io/eno1": "1" };
const ASKS_OTHERWISE: Record<string, { object: () => KubeObject; labels: Record<string, string> }> =
  {
    "macvtap-capabilities": {
      object: () => launcherPod({ computeResources: { requests: MACVTAP, limits: MACVTAP } }),
      labels: { ...NAMESPACE, "vm-feature-manager.io/macvtap-capabilities": "enabled" },
    },
  };

const entries = manifestDocuments()
  .map(({ doc }) => doc)
  .filter((d) => d.kind === "MutatingWebhookConfiguration")
  .flatMap((d) => (d["webhooks"] ?? []) as WebhookEntry[]);

/** An object of the feature's kind that asks for it (`ask`) or does not. */
function objectOf(feature: Feature, kind: string, ask: boolean): KubeObject {
  const annotations = ask ? { [feature.triggerAnnotation]: "true" } : {};
  return kind === "Pod" ? launcherPod({ annotations }) : virtualMachine({ annotations });
}

function request(object: KubeObject, operation: (typeof OPERATIONS)[number]): AdmissionRequest {
  const review =
    object.kind === "Pod"
      ? podReview(object, { operation })
      : admissionReview(object, { operation });
  return review.request;
}

describe("the webhook entries, held to each feature's declaration", () => {
  for (const feature of mutators.map((build) => build())) {
    describe(feature.name, () => {
      const entry = entries.find((e) => e.name === `${feature.name}.vm-feature-manager.io`);

      it("should have one entry whose rules are the declared kinds and operations", () => {
        expect(entry?.rules).to.deep.equal(
          feature.kinds.map((k) => ({
            apiGroups: [k.group],
            apiVersions: ["v1"],
            operations: [...feature.operations],
            resources: [pluralOf({ apiVersion: "", kind: k.kind })],
            scope: "Namespaced",
          })),
        );
      });

      for (const { kind } of feature.kinds) {
        it(`should call it for a ${kind} that asks, on exactly the declared operations`, () => {
          const asking = ASKS_OTHERWISE[feature.name];
          const object = asking?.object() ?? objectOf(feature, kind, true);
          const called = OPERATIONS.filter((op) =>
            calls(entry as WebhookEntry, request(object, op), asking?.labels ?? NAMESPACE),
          );
          expect(called).to.deep.equal([...feature.operations]);
        });

        it(`should never call it for a ${kind} that does not ask`, () => {
          const object = objectOf(feature, kind, false);
          const called = OPERATIONS.filter((op) =>
            calls(entry as WebhookEntry, request(object, op), NAMESPACE),
          );
          expect(called).to.deep.equal([]);
        });
      }
    });
  }
});
