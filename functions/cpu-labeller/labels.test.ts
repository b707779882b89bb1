import { expect } from "chai";
import { fakeHost } from "./fixtures/host.ts";
import { readHostFacts } from "./host.ts";
import { labelsFor } from "./labels.ts";

describe("labelsFor", () => {
  it("should write vendor, virtualization and nested as label values", () => {
    expect(labelsFor({ vendor: "amd", virtualization: "svm", nested: true })).to.deep.equal({
      "cpu.vm-feature-manager.io/vendor": "amd",
      "cpu.vm-feature-manager.io/virtualization": "svm",
      "cpu.vm-feature-manager.io/nested": "true",
    });
  });
});

describe("readHostFacts", () => {
  it("should combine cpuinfo and the matching nested parameter when given an Intel host", async () => {
    const host = fakeHost("intel-xeon-gold-6338", { module: "kvm_intel", value: "Y\n" });
    expect(await readHostFacts(host)).to.deep.equal({
      vendor: "intel",
      virtualization: "vmx",
      nested: true,
    });
  });

  it("should report nested off when given an ARM host", async () => {
    const host = fakeHost("ampere-altra-neoverse-n1");
    expect(await readHostFacts(host)).to.deep.equal({
      vendor: "other",
      virtualization: "none",
      nested: false,
    });
  });
});
