// Every field a feature declares it reads or writes, given a value of the wrong type, must get the
// feature's own error naming the field and the shape it must have: never "internal error" from a
// feature that met a string where it iterates a list.
import { expect } from "chai";
import fc from "fast-check";
import { mutators } from "../../functions/mutators.ts";
import { namesOf } from "../../functions/registry.ts";
import { admit } from "../../shared/admission/admit.ts";
import type { Feature } from "../../shared/admission/feature.ts";
import type { AdmissionReview } from "../../shared/admission/types.ts";
import { settingsFromEnv } from "../../shared/admission/settings.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import { snapshotReader } from "../../shared/kube/snapshot-reader.ts";
import { launcherPod, podReview } from "../helpers/launcher-pod.ts";
import { admissionReview, virtualMachine } from "../helpers/review.ts";
import { declaredPath, withValueAt } from "../helpers/field-paths.ts";

/** Runs per property, as in properties.test.ts: `FC_RUNS` raises it. */
const RUNS = Number(process.env["FC_RUNS"] ?? 150);

const isPodFeature = (feature: Feature): boolean => feature.kinds.some((k) => k.kind === "Pod");

/** The review of a VM (or, for a Pod feature, a launcher pod). */
const reviewOf = (feature: Feature, object: KubeObject): AdmissionReview =>
  isPodFeature(feature) ? podReview(object) : admissionReview(object);

/** A VM (or a launcher pod) that asks for the feature, with `value` at `path` (a declared path). */
function vmWith(feature: Feature, path: string, value: unknown): KubeObject {
  const annotations = { [feature.triggerAnnotation]: "true" };
  const vm = isPodFeature(feature) ? launcherPod({ annotations }) : virtualMachine({ annotations });
  return withValueAt(vm, path, value) as KubeObject;
}

/** Values of every JSON type, and lists and maps of them: most are wrong for any one field. */
const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxLength: 3 }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.oneof(fc.integer(), fc.boolean()), {
    maxKeys: 3,
  }),
);

const checked = mutators.map((build) => build()).filter((f) => f.fields);

describe("features' field types, checked against KubeVirt's and Kubernetes' schemas before they are read", () => {
  it("should check the fields of every VirtualMachine and Pod feature", () => {
    expect(checked.map((f) => f.name)).to.deep.equal(namesOf("admission"));
  });

  for (const feature of checked) {
    const fields = Object.keys(feature.fields?.expectations ?? {});

    it(`should answer ${feature.name}'s error, naming the field and its shape, for a wrong type in any field it reads`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fields), anyValue, async (path, value) => {
          const vm = vmWith(feature, path, value);
          fc.pre(feature.fields?.validate(vm) === false);
          const { request } = reviewOf(feature, vm);
          const { answer } = await admit(
            feature,
            request,
            settingsFromEnv(feature.name, {}),
            snapshotReader([]),
          );
          const message = answer.status?.message ?? "";
          expect(answer.allowed, message).to.equal(false);
          const named =
            /^[\w-]+: (spec(?:\.\w+|\[\d+\])*) must be (.+) \(field \1\)\. Fix: write \1 as \2, or leave it out$/.exec(
              message,
            );
          expect(named, message).to.not.equal(null);
          expect(message.startsWith(`${feature.name}: `), message).to.equal(true);
          const field = declaredPath(named?.[1] ?? "-");
          expect(path.startsWith(field) || field.startsWith(path), message).to.equal(true);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it("should say what cpu.features must be, in KubeVirt's words", async () => {
    const feature = checked.find((f) => f.name === "nested-virt") as Feature;
    const vm = vmWith(feature, "spec.template.spec.domain.cpu.features", "vmx");
    const { answer } = await admit(
      feature,
      admissionReview(vm).request,
      settingsFromEnv(feature.name, {}),
    );
    expect(answer.status?.message).to.equal(
      "nested-virt: spec.template.spec.domain.cpu.features must be a list of {name, policy} " +
        "(field spec.template.spec.domain.cpu.features). " +
        "Fix: write spec.template.spec.domain.cpu.features as a list of {name, policy}, or leave it out",
    );
  });

  it("should say what a launcher pod's containers must be, in Kubernetes' words", async () => {
    const feature = checked.find((f) => f.name === "macvtap-capabilities") as Feature;
    const pod = vmWith(feature, "spec.containers", { compute: {} });
    const { answer } = await admit(
      feature,
      reviewOf(feature, pod).request,
      settingsFromEnv(feature.name, {}),
    );
    expect(answer.status?.message).to.equal(
      "macvtap-capabilities: spec.containers must be a list of {name, ...} (field spec.containers). " +
        "Fix: write spec.containers as a list of {name, ...}, or leave it out",
    );
  });

  it("should say what a pod's resources must hold, for imds-injector", async () => {
    const feature = checked.find((f) => f.name === "imds-injector") as Feature;
    const pod = vmWith(feature, "spec.resources", { limits: { memory: true } });
    const { answer } = await admit(
      feature,
      reviewOf(feature, pod).request,
      settingsFromEnv(feature.name, {}),
    );
    expect(answer.status?.message).to.equal(
      "imds-injector: spec.resources must be {claims, limits, requests} (field spec.resources). " +
        "Fix: write spec.resources as {claims, limits, requests}, or leave it out",
    );
  });

  it("should follow the feature's error mode: allow-and-log admits the VM unchanged", async () => {
    const feature = checked.find((f) => f.name === "gpu-device-plugin") as Feature;
    const vm = vmWith(feature, "spec.template.spec.domain.devices.gpus", 3);
    const { answer } = await admit(
      feature,
      admissionReview(vm).request,
      settingsFromEnv(feature.name, { GPU_DEVICE_PLUGIN_ERROR_HANDLING: "allow-and-log" }),
    );
    expect(answer.allowed).to.equal(true);
    expect(answer.warnings?.join("\n")).to.include(
      "spec.template.spec.domain.devices.gpus must be a list of {name, ...}",
    );
  });
});
