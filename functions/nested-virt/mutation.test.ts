import { expect } from "chai";
import type { CpuFeature } from "../../shared/kubevirt/types.ts";
import { virtualMachine } from "../../test/helpers/review.ts";
import { cpuFeatures, requireFlag } from "./mutation.ts";

const withFeatures = (features: CpuFeature[]): ReturnType<typeof virtualMachine> =>
  virtualMachine({ vmiSpec: { domain: { cpu: { cores: 2, features } } } });

describe("requireFlag", () => {
  it("should create cpu and features when the VM has neither", () => {
    const vm = virtualMachine();
    const out = requireFlag(vm, "vmx");
    expect(cpuFeatures(out)).to.deep.equal([{ name: "vmx", policy: "require" }]);
    expect(out.spec?.template?.spec?.domain).to.deep.equal({
      devices: {},
      resources: { requests: { memory: "1Gi" } },
      cpu: { features: [{ name: "vmx", policy: "require" }] },
    });
    expect(cpuFeatures(vm)).to.deep.equal([]);
  });

  it("should keep other features and CPU settings", () => {
    const out = requireFlag(withFeatures([{ name: "pcid", policy: "optional" }]), "svm");
    expect(out.spec?.template?.spec?.domain?.cpu).to.deep.equal({
      cores: 2,
      features: [
        { name: "pcid", policy: "optional" },
        { name: "svm", policy: "require" },
      ],
    });
  });

  for (const policy of ["require", "force", "optional", undefined] as const) {
    it(`should not add a duplicate when the flag is already there with policy ${policy ?? "(none)"}`, () => {
      const vm = withFeatures([{ name: "vmx", ...(policy ? { policy } : {}) }]);
      expect(requireFlag(vm, "vmx")).to.deep.equal(vm);
    });
  }

  for (const policy of ["disable", "forbid"] as const) {
    it(`should report a conflict when the flag has policy ${policy}`, () => {
      expect(() => requireFlag(withFeatures([{ name: "vmx", policy }]), "vmx"))
        .to.throw(
          `the VM already sets vmx to policy ${policy}, which contradicts nested virtualization`,
        )
        .with.property("field", "spec.template.spec.domain.cpu.features");
    });
  }

  it("should report a conflict when the VM already requires the other vendor's flag", () => {
    expect(() => requireFlag(withFeatures([{ name: "svm", policy: "require" }]), "vmx")).to.throw(
      "the VM already requires svm, so it cannot also require vmx",
    );
  });
});
