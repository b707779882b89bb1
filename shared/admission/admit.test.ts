import { expect } from "chai";
import domain from "node:domain";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  admissionReview,
  applyResponse,
  decodePatch,
  virtualMachine,
} from "../../test/helpers/review.ts";
import { admit } from "./admit.ts";
import type { Decision } from "./outcome.ts";
import { ClusterError, FeatureError } from "../basics/errors.ts";
import type { Feature } from "./feature.ts";
import type { CoreSettings } from "./settings.ts";
import type { KubeObject } from "../basics/kube-object.ts";

setFlagsFromString("--expose-gc");

const TRIGGER = "vm-feature-manager.io/labeller";

/** A tiny feature: sets the annotation value as a label whose key needs escaping. */
/**
 * `rule` labels every object, as a namespace rule would, but refuses a trigger value other than
 * "on".
 */
function labeller(
  behaviour: "label" | "skip" | "deny" | "cluster" | "crash" | "rule" = "label",
): Feature {
  return {
    name: "labeller",
    kinds: [{ group: "kubevirt.io", kind: "VirtualMachine" }],
    operations: ["CREATE", "UPDATE"],
    triggerAnnotation: TRIGGER,
    reads: [],
    view: () => {
      if (behaviour === "cluster")
        return Promise.reject(new ClusterError("could not read nodes", "check the API"));
      return Promise.resolve(undefined);
    },
    mutate(object) {
      if (behaviour === "skip") return { skip: "not asked" };
      if (behaviour === "deny")
        throw new FeatureError("bad value", { field: "metadata.annotations", fix: "use on" });
      if (behaviour === "crash") throw new TypeError("boom");
      const value = object.metadata?.annotations?.[TRIGGER];
      if (behaviour === "rule" && value !== undefined && value !== "on")
        throw new FeatureError("bad value", { field: "metadata.annotations", fix: "use on" });
      const copy = structuredClone(object) as KubeObject;
      copy.metadata = {
        ...copy.metadata,
        labels: { ...copy.metadata?.labels, "example.com/a~b": "on" },
      };
      return { object: copy, applied: "on", warnings: ["line one\nline two"] };
    },
  };
}

/** The labeller with a view that answers at hand, as one over fresh cached reads does. */
function atHand(behaviour: Parameters<typeof labeller>[0] = "label"): Feature {
  return {
    ...labeller(behaviour),
    view: () => {
      if (behaviour === "cluster") throw new ClusterError("could not read nodes", "check the API");
      return undefined;
    },
  };
}

const settings = (overrides: Partial<CoreSettings> = {}): CoreSettings => ({
  errorHandling: "reject",
  tracking: true,
  viewDeadlineMs: 1000,
  ...overrides,
});

const asked = (): KubeObject => virtualMachine({ annotations: { [TRIGGER]: "on" } });

describe("admit", () => {
  describe("when the request is not for the feature", () => {
    const cases = [
      { name: "another kind", overrides: { kind: { group: "", version: "v1", kind: "Pod" } } },
      { name: "DELETE", overrides: { operation: "DELETE" as const } },
      { name: "CONNECT", overrides: { operation: "CONNECT" as const } },
      { name: "a subresource", overrides: { subResource: "status" } },
      { name: "no object", overrides: { object: null } },
    ];
    for (const tc of cases) {
      it(`should admit unchanged when given ${tc.name}`, async () => {
        const decision = await admit(
          labeller(),
          admissionReview(asked(), tc.overrides).request,
          settings(),
        );
        expect(decision.answer).to.deep.equal({ allowed: true });
        expect(decision.result).to.equal("ignored");
      });
    }

    it("should admit unchanged when the object is being deleted", async () => {
      const vm = asked();
      vm.metadata = { ...vm.metadata, deletionTimestamp: "2026-11-21T10:00:00Z" };
      const decision = await admit(labeller("deny"), admissionReview(vm).request, settings());
      expect(decision.answer).to.deep.equal({ allowed: true });
    });
  });

  describe("when the feature applies", () => {
    it("should patch only what changed, escape keys, and add the tracking annotation", async () => {
      const vm = asked();
      const decision = await admit(labeller(), admissionReview(vm).request, settings());
      expect(decodePatch({ uid: "", ...decision.answer })).to.deep.equal([
        {
          op: "add",
          path: "/metadata/annotations/vm-feature-manager.io~1labeller-applied",
          value: "on",
        },
        { op: "add", path: "/metadata/labels", value: { "example.com/a~b": "on" } },
      ]);
      const result = applyResponse(vm, { uid: "", ...decision.answer });
      expect(result.metadata?.labels).to.deep.equal({ "example.com/a~b": "on" });
      expect(result.metadata?.annotations).to.deep.equal({
        [TRIGGER]: "on",
        "vm-feature-manager.io/labeller-applied": "on",
      });
      expect(decision.answer.warnings).to.deep.equal(["line one", "line two"]);
      expect(decision.result).to.equal("patched");
    });

    it("should escape '~' and '/' inside existing label maps", async () => {
      const vm = asked();
      vm.metadata = { ...vm.metadata, labels: { keep: "me" } };
      const decision = await admit(
        labeller(),
        admissionReview(vm).request,
        settings({ tracking: false }),
      );
      expect(decodePatch({ uid: "", ...decision.answer })).to.deep.equal([
        { op: "add", path: "/metadata/labels/example.com~1a~0b", value: "on" },
      ]);
    });

    it("should drop a stale error annotation on success", async () => {
      const vm = virtualMachine({
        annotations: { [TRIGGER]: "on", "vm-feature-manager.io/labeller-error": "old" },
      });
      const decision = await admit(
        labeller(),
        admissionReview(vm).request,
        settings({ tracking: false }),
      );
      const result = applyResponse(vm, { uid: "", ...decision.answer });
      expect(result.metadata?.annotations).to.deep.equal({ [TRIGGER]: "on" });
    });

    it("should give no patch when the feature's own output comes back (reinvocation)", async () => {
      const first = await admit(labeller(), admissionReview(asked()).request, settings());
      const mutated = applyResponse(asked(), { uid: "", ...first.answer });
      const again = await admit(
        labeller(),
        admissionReview(mutated, { operation: "UPDATE" }).request,
        settings(),
      );
      expect(again.answer).to.deep.equal({ allowed: true, warnings: ["line one", "line two"] });
      expect(again.result).to.equal("unchanged");
    });

    // The Functions Framework runs each request in a domain, and a timer started inside a domain
    // keeps the domain (and so the request) alive until it fires: a deadline timer that outlives
    // the review held every request for the whole deadline.
    it("should let the request be collected once answered, even inside a domain", async () => {
      const gc = runInNewContext("gc") as () => void;
      let ref: WeakRef<object> | undefined;
      await new Promise<void>((resolve) => {
        const d = domain.create();
        const request = admissionReview(asked()).request;
        ref = new WeakRef(request);
        d.on("error", () => request);
        d.run(() => {
          const decided = admit(labeller(), request, settings({ viewDeadlineMs: 60_000 }));
          // The labeller's view waits, so a deadline timer is armed inside the domain.
          expect(decided).to.be.instanceOf(Promise);
          void Promise.resolve(decided).then(() => resolve());
        });
      });
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      expect(ref?.deref()).to.equal(undefined);
    });

    it("should admit unchanged when the feature skips", async () => {
      const decision = await admit(labeller("skip"), admissionReview(asked()).request, settings());
      expect(decision).to.deep.equal({
        answer: { allowed: true },
        result: "skipped",
        reason: "not asked",
        patchOps: 0,
      });
    });
  });

  describe("when the view answers at hand", () => {
    it("should decide in the same step, with the same patch as after a view that waits", async () => {
      const request = admissionReview(asked()).request;
      const decision = admit(atHand(), request, settings());
      expect(decision).not.to.be.instanceOf(Promise);
      expect(decision).to.deep.equal(await admit(labeller(), request, settings()));
      expect((decision as Decision).result).to.equal("patched");
    });

    it("should take a view's throw as a failed read: 503 under reject, annotated under allow-and-log", async () => {
      const request = admissionReview(asked()).request;
      // The error policy may wait (strip-label runs the feature again): only success is at hand.
      expect((await admit(atHand("cluster"), request, settings())).answer.status?.code).to.equal(
        503,
      );
      for (const errorHandling of ["reject", "allow-and-log", "strip-label"] as const) {
        const mode = settings({ errorHandling });
        expect(await admit(atHand("cluster"), request, mode), errorHandling).to.deep.equal(
          await admit(labeller("cluster"), request, mode),
        );
      }
    });

    it("should take a mutation's throw after a view at hand as the error policy says", async () => {
      const request = admissionReview(asked()).request;
      for (const behaviour of ["deny", "crash"] as const) {
        for (const errorHandling of ["reject", "allow-and-log", "strip-label"] as const) {
          const mode = settings({ errorHandling });
          expect(await admit(atHand(behaviour), request, mode), behaviour).to.deep.equal(
            await admit(labeller(behaviour), request, mode),
          );
        }
      }
    });
  });

  describe("when the feature fails", () => {
    const message = "labeller: bad value (field metadata.annotations). Fix: use on";

    it("should deny with the feature, field and fix under reject", async () => {
      const decision = await admit(labeller("deny"), admissionReview(asked()).request, settings());
      expect(decision.answer).to.deep.equal({
        allowed: false,
        status: { status: "Failure", code: 403, reason: "Forbidden", message },
      });
    });

    it("should answer 503 for a cluster error under reject", async () => {
      const decision = await admit(
        labeller("cluster"),
        admissionReview(asked()).request,
        settings(),
      );
      expect(decision.answer.status).to.deep.equal({
        status: "Failure",
        code: 503,
        reason: "ServiceUnavailable",
        message: "labeller: could not read nodes. Fix: check the API",
      });
    });

    it("should admit with the error annotation and a warning under allow-and-log", async () => {
      const vm = asked();
      const decision = await admit(
        labeller("deny"),
        admissionReview(vm).request,
        settings({ errorHandling: "allow-and-log" }),
      );
      expect(decision.answer.warnings).to.deep.equal([message]);
      expect(
        applyResponse(vm, { uid: "", ...decision.answer }).metadata?.annotations,
      ).to.deep.equal({
        [TRIGGER]: "on",
        "vm-feature-manager.io/labeller-error": message,
      });
      expect(decision.result).to.equal("error-allowed");
    });

    it("should remove the trigger annotation and warn under strip-label", async () => {
      const vm = asked();
      const decision = await admit(
        labeller("deny"),
        admissionReview(vm).request,
        settings({ errorHandling: "strip-label" }),
      );
      expect(decodePatch({ uid: "", ...decision.answer })).to.deep.equal([
        { op: "remove", path: "/metadata/annotations/vm-feature-manager.io~1labeller" },
      ]);
      expect(decision.answer.warnings).to.deep.equal([message]);
    });

    // Found by test/reliability/properties.test.ts: `metadata.annotations: " "` made strip-label
    // throw out of admit (`in` on a string). The API server checks types after mutating admission.
    describe("when the object's annotations are not a map", () => {
      const message =
        "labeller: the object's metadata.annotations is not a map of strings to strings (field metadata.annotations). " +
        "Fix: send metadata.annotations as a map of strings to strings, as the Kubernetes API requires";
      const malformed = (): KubeObject => ({
        ...asked(),
        metadata: { name: "vm-1", annotations: " " as unknown as Record<string, string> },
      });
      it("should deny with the field and the fix under reject", async () => {
        const decision = await admit(labeller(), admissionReview(malformed()).request, settings());
        expect(decision.answer).to.deep.equal({
          allowed: false,
          status: { status: "Failure", code: 403, reason: "Forbidden", message },
        });
      });
      for (const errorHandling of ["allow-and-log", "strip-label"] as const) {
        it(`should admit unchanged with the warning under ${errorHandling}`, async () => {
          const decision = await admit(
            labeller(),
            admissionReview(malformed()).request,
            settings({ errorHandling }),
          );
          expect(decision.answer).to.deep.equal({ allowed: true, warnings: [message] });
        });
      }
    });

    it("should answer a 500 denial rather than throw when the error policy itself fails", async () => {
      // An error that cannot even be described: the policy throws while writing its message.
      class Unreadable extends Error {
        override get message(): string {
          throw new Error("the message cannot be read");
        }
      }
      const feature: Feature = {
        ...labeller(),
        mutate() {
          throw new Unreadable();
        },
      };
      const decision = await admit(
        feature,
        admissionReview(asked()).request,
        settings({ errorHandling: "allow-and-log" }),
      );
      expect(decision.answer.allowed).to.equal(false);
      expect(decision.answer.status?.code).to.equal(500);
      expect(decision.answer.status?.message).to.equal(
        "labeller: internal error: the message cannot be read. Fix: report this with the object that caused it",
      );
    });

    // The diff walks only what the feature changed: what it shares with the review is skipped,
    // however deep (a 10,000-level array once overflowed the stack here).
    it("should admit a deeply nested object with the error annotation under allow-and-log", async () => {
      let deep: unknown = [];
      for (let i = 0; i < 10_000; i += 1) deep = [deep];
      const vm = { ...asked(), spec: { deep } };
      // Built by hand: the review helper's structuredClone cannot copy it either.
      const request = { ...admissionReview(null).request, object: vm };
      const decision = await admit(
        labeller("deny"),
        request,
        settings({ errorHandling: "allow-and-log" }),
      );
      expect(decision.answer.allowed).to.equal(true);
      expect(decodePatch({ uid: "", ...decision.answer })).to.deep.equal([
        {
          op: "add",
          path: "/metadata/annotations/vm-feature-manager.io~1labeller-error",
          value: message,
        },
      ]);
    });

    // Found by test/reliability/properties.test.ts: strip-label left a stale error annotation, and
    // a stripped object that a rule still selects was patched again on reinvocation.
    describe("under strip-label, as if the trigger had never been there", () => {
      const strip = settings({ errorHandling: "strip-label" });
      const again = async (feature: Feature, vm: KubeObject): Promise<unknown> => {
        const first = await admit(feature, admissionReview(vm).request, strip);
        const result = applyResponse(vm, { uid: "", ...first.answer });
        const second = await admit(
          feature,
          admissionReview(result, { operation: "UPDATE" }).request,
          strip,
        );
        return { result, second: second.answer };
      };
      it("should drop a stale error annotation with the trigger", async () => {
        const vm = virtualMachine({
          annotations: { [TRIGGER]: "", "vm-feature-manager.io/labeller-error": "" },
        });
        expect(await again(labeller("deny"), vm)).to.deep.equal({
          result: { ...vm, metadata: { ...vm.metadata, annotations: {} } },
          second: { allowed: true, warnings: [message] },
        });
      });
      it("should run the feature on the stripped object, so reinvocation gives no patch", async () => {
        const vm = virtualMachine({ annotations: { [TRIGGER]: "bogus" } });
        expect(await again(labeller("rule"), vm)).to.deep.equal({
          result: {
            ...vm,
            metadata: {
              ...vm.metadata,
              labels: { "example.com/a~b": "on" },
              annotations: { "vm-feature-manager.io/labeller-applied": "on" },
            },
          },
          second: { allowed: true, warnings: ["line one", "line two"] },
        });
      });
    });

    it("should turn an unexpected exception into a 500 denial that names the feature", async () => {
      const decision = await admit(labeller("crash"), admissionReview(asked()).request, settings());
      expect(decision.answer.status?.code).to.equal(500);
      expect(decision.answer.status?.message).to.equal(
        "labeller: internal error: boom. Fix: report this with the object that caused it",
      );
    });
  });

  describe("when mutate changes its input in place", () => {
    /** Sets the label on the reviewed object itself, the mistake a copy would have hidden. */
    const inPlace = (change: (object: KubeObject) => void): Feature => ({
      ...labeller(),
      name: "in-place",
      mutate(object) {
        change(object as KubeObject);
        return { object, applied: "on" };
      },
    });
    const meta = (object: KubeObject): Record<string, unknown> => object.metadata ?? {};
    const cases: { name: string; change: (object: KubeObject) => void; error: string }[] = [
      {
        name: "adds a field",
        change: (o) => (meta(o)["labels"] = { team: "a" }),
        error: "Cannot add property labels, object is not extensible",
      },
      {
        name: "replaces a value",
        change: (o) => ((meta(o)["annotations"] as Record<string, string>)[TRIGGER] = "off"),
        error: `Cannot assign to read only property '${TRIGGER}' of object '#<Object>'`,
      },
      {
        name: "deletes a field",
        change: (o) => delete meta(o)["annotations"],
        error: "Cannot delete property 'annotations' of #<Object>",
      },
    ];
    for (const tc of cases) {
      it(`should answer a 500 naming the feature, never an empty patch, when it ${tc.name}`, async () => {
        const decision = await admit(
          inPlace(tc.change),
          admissionReview(asked()).request,
          settings(),
        );
        const message = `in-place: internal error: mutate changed the object it was given (${tc.error}); return a changed copy (copyPath). Fix: report this with the object that caused it`;
        expect(decision).to.deep.equal({
          answer: {
            allowed: false,
            status: { status: "Failure", code: 500, reason: "InternalError", message },
          },
          result: "denied",
          reason: message,
          patchOps: 0,
        });
      });
    }

    it("should freeze an object that was not frozen before it reached the feature", async () => {
      const review = { ...admissionReview(asked()).request, object: asked() };
      const decision = await admit(
        inPlace((o) => (meta(o)["labels"] = { team: "a" })),
        review,
        settings(),
      );
      expect(decision.answer.status?.code).to.equal(500);
      expect(review.object.metadata?.labels).to.equal(undefined);
    });
  });

  describe("when the feature writes to the cluster", () => {
    /** The labeller with a `writes` step that records what it was given. */
    const writer = (
      behaviour: Parameters<typeof labeller>[0] = "label",
      fail?: Error,
    ): Feature & { written: string[] } => {
      const written: string[] = [];
      return {
        ...labeller(behaviour),
        written,
        writes(object) {
          if (fail) throw fail;
          written.push(object.metadata?.labels?.["example.com/a~b"] ?? "no label");
          return { written: "yes" };
        },
      };
    };

    it("should write after the mutation, with the changed object, and audit what was written", async () => {
      const feature = writer();
      const decision = await admit(feature, admissionReview(asked()).request, settings());
      expect(feature.written).to.deep.equal(["on"]);
      expect(decision.answer.auditAnnotations).to.deep.equal({ written: "yes" });
      expect(decision.result).to.equal("patched");
    });

    it("should write nothing on a dry run, with the same patch", async () => {
      const feature = writer();
      const request = { ...admissionReview(asked()).request, dryRun: true };
      const dry = await admit(feature, request, settings());
      const real = await admit(writer(), admissionReview(asked()).request, settings());
      expect(feature.written).to.deep.equal([]);
      expect(dry.answer.patch).to.equal(real.answer.patch);
      expect(dry.answer.auditAnnotations).to.equal(undefined);
    });

    it("should write nothing when the feature skips or refuses", async () => {
      const skipping = writer("skip");
      const refusing = writer("deny");
      await admit(skipping, admissionReview(asked()).request, settings());
      const denial = await admit(refusing, admissionReview(asked()).request, settings());
      expect([skipping.written, refusing.written]).to.deep.equal([[], []]);
      expect(denial.answer.status?.code).to.equal(403);
    });

    it("should answer a failed write as the error policy says", async () => {
      const failing = writer("label", new ClusterError("could not write", "check the API"));
      const decision = await admit(failing, admissionReview(asked()).request, settings());
      expect(decision.answer.status).to.deep.equal({
        status: "Failure",
        code: 503,
        reason: "ServiceUnavailable",
        message: "labeller: could not write. Fix: check the API",
      });
    });
  });

  // The API server only sends strings here, but the core never passes on what it has not checked:
  // a feature's message once said "in namespace [object Object]" (found by the properties).
  it("should give the feature only strings for the namespace and names", async () => {
    const seen: unknown[] = [];
    const recorder: Feature = {
      ...labeller(),
      mutate(_object, request) {
        seen.push([request.namespace, request.name, request.generateName]);
        return { skip: "recorded" };
      },
    };
    const vm = asked();
    const wrong = { namespace: [{}], name: 7, generateName: { a: 1 } } as unknown as object;
    vm.metadata = { ...vm.metadata, ...wrong };
    const request = { ...admissionReview(vm).request, ...wrong } as unknown as Parameters<
      typeof admit
    >[1];
    await admit(recorder, request, settings());
    const named = structuredClone(vm);
    named.metadata = { ...named.metadata, namespace: "vms", name: "web-1", generateName: "web-" };
    await admit(recorder, admissionReview(named, { name: "" }).request, settings());
    expect(seen).to.deep.equal([
      ["", "", ""],
      ["vms", "web-1", "web-"],
    ]);
  });
});
