import { expect } from "chai";
import { fakeHost } from "./fixtures/host.ts";
import { readHostFacts } from "./host.ts";
import { annotationsFor, labelsFor } from "./labels.ts";

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

describe("annotationsFor", () => {
  it("should write the inventory as one JSON annotation, sorted by address, fields in a fixed order", () => {
    const records = [
      {
        iommuGroup: "45",
        driver: "vfio-pci",
        class: "030200",
        id: "10de:2236",
        address: "0000:65:00.0",
      },
      { address: "0000:00:00.0", id: "8086:0d57", class: "060000" },
    ];
    expect(annotationsFor(records)).to.deep.equal({
      "pci.vm-feature-manager.io/devices":
        '[{"address":"0000:00:00.0","id":"8086:0d57","class":"060000"},' +
        '{"address":"0000:65:00.0","id":"10de:2236","class":"030200","driver":"vfio-pci","iommuGroup":"45"}]',
    });
  });
});
