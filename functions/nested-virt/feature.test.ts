import { expect } from "chai";
import { admit } from "../../shared/admission/admit.ts";
import type { CoreSettings } from "../../shared/admission/settings.ts";
import type { AdmissionResponse } from "../../shared/admission/types.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { ClusterReader } from "../../shared/kube/reader.ts";
import { configMapObject, nodeObject, recordingReader } from "../../test/helpers/cluster.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import { admissionReview, applyResponse, virtualMachine } from "../../test/helpers/review.ts";
import { nestedVirt } from "./feature.ts";
import { TRIGGER } from "./intent.ts";
import { cpuFeatures } from "./mutation.ts";

const node = (name: string, vendor: "intel" | "amd"): KubeObject =>
  nodeObject(name, {
    "cpu.vm-feature-manager.io/vendor": vendor,
    "cpu.vm-feature-manager.io/nested": "true",
  });

const RULES = "ConfigMap vm-feature-functions/nested-virt-rules";

/** A cluster snapshot that records what the feature read: "rules" and "nodes". */
function source(
  nodes: KubeObject[],
  rules: Record<string, string> = {},
): ClusterReader & { reads: string[] } {
  const recorder = recordingReader([
    ...nodes,
    configMapObject("vm-feature-functions", "nested-virt-rules", rules),
  ]);
  return {
    ...recorder,
    get reads() {
      return recorder.reads.map((r) => (r === RULES ? "rules" : r));
    },
  };
}

const settings: CoreSettings = { errorHandling: "reject", tracking: true, viewDeadlineMs: 1000 };

async function run(
  vm: VirtualMachine,
  src: ClusterReader,
  overrides: Parameters<typeof admissionReview>[1] = {},
): Promise<{ response: AdmissionResponse; result: VirtualMachine }> {
  const decision = await admit(nestedVirt(), admissionReview(vm, overrides).request, settings, src);
  const response = { uid: "u", ...decision.answer };
  return { response, result: response.allowed ? applyResponse(vm, response) : vm };
}

describe("nested-virt feature", () => {
  it("should require vmx when asked by annotation in an Intel cluster", async () => {
    const src = source([node("n1", "intel")]);
    const vm = virtualMachine({ annotations: { [TRIGGER]: "enabled" } });
    const { result } = await run(vm, src);
    expect(cpuFeatures(result)).to.deep.equal([{ name: "vmx", policy: "require" }]);
    expect(result.metadata?.annotations).to.deep.equal({
      [TRIGGER]: "enabled",
      "vm-feature-manager.io/nested-virt-applied": "vmx",
    });
    expect(src.reads).to.deep.equal(["nodes"]);
  });

  it("should use the flag the annotation names without reading the cluster", async () => {
    const src = source([]);
    const { result } = await run(virtualMachine({ annotations: { [TRIGGER]: "svm" } }), src);
    expect(cpuFeatures(result)).to.deep.equal([{ name: "svm", policy: "require" }]);
    expect(src.reads).to.deep.equal([]);
  });

  it("should apply to a VM that matches a namespace rule", async () => {
    const src = source([node("n1", "amd")], { default: "^vm-.*,^test-.*" });
    const { result } = await run(virtualMachine({ name: "test-7" }), src);
    expect(cpuFeatures(result)).to.deep.equal([{ name: "svm", policy: "require" }]);
    expect(src.reads).to.deep.equal(["rules", "nodes"]);
  });

  it("should match a generateName VM by its prefix", async () => {
    const vm = virtualMachine({ name: "" });
    vm.metadata = { namespace: "default", generateName: "vm-" };
    const { result } = await run(vm, source([node("n1", "amd")], { default: "^vm-" }), {
      name: "",
    });
    expect(cpuFeatures(result)).to.deep.equal([{ name: "svm", policy: "require" }]);
  });

  it("should leave alone a VM that neither asks nor matches", async () => {
    const src = source([node("n1", "intel")], { default: "^vm-" });
    const { response } = await run(virtualMachine({ name: "db-1" }), src);
    expect(response).to.deep.equal({ uid: "u", allowed: true });
    expect(src.reads).to.deep.equal(["rules"]);
  });

  it("should let an explicit disabled annotation opt a matching VM out", async () => {
    const src = source([node("n1", "intel")], { default: "^vm-" });
    const { response } = await run(virtualMachine({ annotations: { [TRIGGER]: "disabled" } }), src);
    expect(response).to.deep.equal({ uid: "u", allowed: true });
    expect(src.reads).to.deep.equal([]);
  });

  it("should warn about an invalid rule in the VM's namespace while the valid ones apply", async () => {
    const src = source([node("n1", "intel")], { default: "([,^vm-" });
    const { response, result } = await run(virtualMachine(), src);
    expect(cpuFeatures(result)).to.deep.equal([{ name: "vmx", policy: "require" }]);
    expect(response.warnings).to.have.length(1);
    expect(response.warnings?.[0]).to.match(
      /^ConfigMap vm-feature-functions\/nested-virt-rules key "default": "\(\[" is not a valid/,
    );
  });

  it("should keep the flag a VM already requires on UPDATE without reading nodes", async () => {
    const src = source([]);
    const vm = virtualMachine({
      annotations: { [TRIGGER]: "yes" },
      vmiSpec: { domain: { cpu: { features: [{ name: "svm" }] } } },
    });
    const { response, result } = await run(vm, src, { operation: "UPDATE" });
    expect(result.metadata?.annotations?.["vm-feature-manager.io/nested-virt-applied"]).to.equal(
      "svm",
    );
    expect(cpuFeatures(result)).to.deep.equal([{ name: "svm" }]);
    expect(response.patch).to.not.equal(undefined);
    expect(src.reads).to.deep.equal([]);
  });

  it("should produce no patch for its own output (reinvocation)", async () => {
    const src = source([node("n1", "intel")]);
    const first = await run(virtualMachine({ annotations: { [TRIGGER]: "true" } }), src);
    const again = await run(first.result, src, { operation: "UPDATE" });
    expect(again.response).to.deep.equal({
      uid: "u",
      allowed: true,
      auditAnnotations: { reason: "annotation" },
    });
  });

  it("should deny a wrong annotation value with the feature, field and fix", async () => {
    const { response } = await run(
      virtualMachine({ annotations: { [TRIGGER]: "on-please" } }),
      source([]),
    );
    expect(response.allowed).to.equal(false);
    expect(response.status?.message).to.equal(
      'nested-virt: "on-please" is not a value the annotation accepts (field metadata.annotations["vm-feature-manager.io/nested-virt"]). ' +
        "Fix: set it to enabled or disabled (also true/false, yes/no, 1/0), or to vmx or svm to choose the CPU flag",
    );
  });

  it("should deny when capable nodes mix vendors and the VM is not pinned", async () => {
    const { response } = await run(
      virtualMachine({ annotations: { [TRIGGER]: "1" } }),
      source([node("a", "intel"), node("b", "amd")]),
    );
    expect(response.status?.message).to.match(
      /^nested-virt: the nodes the VM may run on mix CPU vendors \(amd, intel\)/,
    );
  });
});
