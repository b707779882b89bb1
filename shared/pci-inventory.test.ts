import { expect } from "chai";
import { decodeInventory, encodeInventory } from "./pci-inventory.ts";

const GPU = {
  address: "0000:65:00.0",
  id: "10de:2236",
  class: "030200",
  driver: "vfio-pci",
  iommuGroup: "45",
};

describe("encodeInventory and decodeInventory", () => {
  it("should read back what was written", () => {
    const bridge = { address: "0000:00:00.0", id: "8086:0d57", class: "060000" };
    expect(decodeInventory(encodeInventory([GPU, bridge]))).to.deep.equal([bridge, GPU]);
  });

  const bad: [string, string][] = [
    ["{", "is not JSON"],
    ['{"devices":[]}', "is not a JSON array"],
    ["[1]", "has an invalid entry at index 0"],
    [JSON.stringify([GPU, { ...GPU, address: "65:00.0" }]), "has an invalid entry at index 1"],
    [JSON.stringify([{ ...GPU, id: "10DE:2236" }]), "has an invalid entry at index 0"],
    [JSON.stringify([{ ...GPU, class: "0302" }]), "has an invalid entry at index 0"],
    [JSON.stringify([{ ...GPU, driver: 7 }]), "has an invalid entry at index 0"],
  ];
  for (const [text, problem] of bad) {
    it(`should say the value ${problem} for ${text.slice(0, 40)}`, () => {
      expect(decodeInventory(text)).to.deep.equal({ problem });
    });
  }
});
