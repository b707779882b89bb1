import { expect } from "chai";
import { closest, didYouMean } from "./did-you-mean.ts";

describe("did you mean", () => {
  const FUNCTIONS = ["nested-virt", "pci-passthrough", "gpu-device-plugin", "cpu-labeller"];

  it("should name the closest candidate for a slip", () => {
    expect(closest("nested-virtt", FUNCTIONS)).to.equal("nested-virt");
    expect(closest("pci-passtrough", FUNCTIONS)).to.equal("pci-passthrough");
    expect(closest("VirtualMachin", ["VirtualMachine", "Pod"])).to.equal("VirtualMachine");
    expect(closest("virtualmachine", ["VirtualMachine", "Pod"])).to.equal("VirtualMachine");
  });

  it("should take a candidate the word starts with, or that starts with it", () => {
    expect(closest("nested-virtualization", FUNCTIONS)).to.equal("nested-virt");
    expect(closest("gpu-device", FUNCTIONS)).to.equal("gpu-device-plugin");
  });

  it("should name nothing for a word far from every candidate", () => {
    expect(closest("machine", FUNCTIONS)).to.equal(undefined);
    expect(closest("n", FUNCTIONS)).to.equal(undefined);
    expect(didYouMean("machine", FUNCTIONS)).to.equal("");
    expect(didYouMean("cpu-labeler", FUNCTIONS)).to.equal("; did you mean cpu-labeller?");
  });
});
