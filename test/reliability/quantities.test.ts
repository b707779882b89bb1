// The quantities in the resources a feature reads (a VM's domain.resources, a Pod's container and
// pod-level resources) are read as Kubernetes reads them: a wrong type or a value that is no
// quantity is the feature's one-line error naming the entry, never an internal error nor a
// silently wrong answer (a Pod that looks Burstable, a VM that looks as if it disagreed).
import { expect } from "chai";
import { admit } from "../../shared/admission/admit.ts";
import { settingsFromEnv } from "../../shared/admission/settings.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import { snapshotReader } from "../../shared/kube/snapshot-reader.ts";
import { podReview } from "../helpers/launcher-pod.ts";
import { admissionReview } from "../helpers/review.ts";
import { fieldTypeMessage } from "../helpers/errors.ts";
import { withValueAt } from "../helpers/field-paths.ts";
import { FUNCTIONS } from "./functions.ts";
import { featureNamed } from "./harness.ts";

const DOMAIN = "spec.template.spec.domain";
const GPU = "nvidia.com/GA102GL_A10";

/** The answer of `name` for its table sample with `value` at `path`, under reject. */
async function answerFor(name: string, path: string, value: unknown): Promise<string> {
  const line = FUNCTIONS[name];
  const feature = featureNamed(name);
  if (!line?.admission || !feature) throw new Error(`${name} has no admission line`);
  const object = withValueAt(line.admission.sample(), path, value) as KubeObject;
  const review = object.kind === "Pod" ? podReview(object) : admissionReview(object);
  const { answer } = await admit(
    feature,
    review.request,
    settingsFromEnv(name, line.env?.() ?? {}),
    snapshotReader(line.cluster),
  );
  return answer.allowed ? "allowed" : (answer.status?.message ?? "");
}

const notAQuantity = (feature: string, value: string, field: string): string =>
  `${feature}: "${value}" is not a resource quantity (field ${field}). ` +
  "Fix: write it as Kubernetes does, e.g. 500m or 2Gi";

describe("quantities in the resources a feature reads", () => {
  it("should name a VM's limit that is no quantity, for gpu-device-plugin", async () => {
    expect(
      await answerFor("gpu-device-plugin", `${DOMAIN}.resources.limits`, { [GPU]: "two" }),
    ).to.equal(notAQuantity("gpu-device-plugin", "two", `${DOMAIN}.resources.limits["${GPU}"]`));
  });

  it("should name a VM's request of the wrong type, for gpu-device-plugin", async () => {
    expect(
      await answerFor("gpu-device-plugin", `${DOMAIN}.resources.requests`, { [GPU]: true }),
    ).to.equal(
      fieldTypeMessage("gpu-device-plugin", `${DOMAIN}.resources.requests`, "a map of quantities"),
    );
  });

  it("should read a VM's own device count as the amount it is, however written", async () => {
    expect(
      await answerFor("gpu-device-plugin", `${DOMAIN}.resources.limits`, { [GPU]: "2e0" }),
    ).to.equal("allowed");
  });

  it("should name a VM's request that is no quantity, for pci-passthrough", async () => {
    expect(
      await answerFor("pci-passthrough", `${DOMAIN}.resources.requests`, { memory: "1.5.2Gi" }),
    ).to.equal(
      notAQuantity("pci-passthrough", "1.5.2Gi", `${DOMAIN}.resources.requests["memory"]`),
    );
  });

  it("should name a container's limit that is no quantity, for imds-injector", async () => {
    expect(
      await answerFor("imds-injector", "spec.containers[].resources.limits.memory", "lots"),
    ).to.equal(
      notAQuantity("imds-injector", "lots", 'spec.containers[0].resources.limits["memory"]'),
    );
  });

  it("should name a pod-level request that is no quantity, for imds-injector", async () => {
    expect(await answerFor("imds-injector", "spec.resources.requests.cpu", "1 core")).to.equal(
      notAQuantity("imds-injector", "1 core", 'spec.resources.requests["cpu"]'),
    );
  });

  it("should name a container's macvtap request that is no quantity, for macvtap-capabilities", async () => {
    const macvtap = "macvtap.network.kubevirt.io/eno1";
    expect(
      await answerFor("macvtap-capabilities", "spec.containers[].resources.requests", {
        [macvtap]: "one",
      }),
    ).to.equal(
      notAQuantity(
        "macvtap-capabilities",
        "one",
        `spec.containers[0].resources.requests["${macvtap}"]`,
      ),
    );
  });
});
