import { expect } from "chai";
import { canonicalQuantity, compareQuantities, parseQuantity } from "./quantity.ts";

// Expected values are what k8s.io/apimachinery's resource.MustParse(x).String() prints.
describe("canonicalQuantity", () => {
  const cases: [string | number, string][] = [
    ["3072Mi", "3Gi"],
    ["8192Mi", "8Gi"],
    ["1.5Gi", "1536Mi"],
    ["0.5Gi", "512Mi"],
    ["0.5Ti", "512Gi"],
    ["1000Mi", "1000Mi"],
    ["2048Ki", "2Mi"],
    ["1Ki", "1Ki"],
    ["0.5Ki", "512"],
    ["1024", "1024"],
    ["1000M", "1G"],
    ["1G", "1G"],
    ["100m", "100m"],
    ["0.1", "100m"],
    [".5", "500m"],
    ["5.", "5"],
    ["1e3", "1e3"],
    ["1E3", "1e3"],
    ["1.5e3", "1500"],
    ["1e-3", "1e-3"],
    ["0.0000000001", "1n"],
    ["0", "0"],
    ["0Gi", "0"],
    ["-1Gi", "-1Gi"],
    [" 20Gi ", "20Gi"],
    [1073741824, "1073741824"],
    [1.5, "1500m"],
  ];
  for (const [input, want] of cases) {
    it(`should print ${JSON.stringify(input)} as ${want}`, () => {
      expect(canonicalQuantity(input)).to.equal(want);
    });
  }

  for (const input of [
    "10GB",
    "K",
    "1.5.2",
    "",
    "Gi",
    "1 Gi",
    "1e",
    "1e1.5",
    "0x10",
    "1ki",
    "x".repeat(70),
  ]) {
    it(`should refuse ${JSON.stringify(input)}`, () => {
      expect(canonicalQuantity(input)).to.equal(undefined);
    });
  }
});

describe("compareQuantities", () => {
  it("should compare values, not spellings", () => {
    const q = (s: string): NonNullable<ReturnType<typeof parseQuantity>> => {
      const parsed = parseQuantity(s);
      if (!parsed) throw new Error(s);
      return parsed;
    };
    expect(compareQuantities(q("3Gi"), q("3072Mi"))).to.equal(0);
    expect(compareQuantities(q("1G"), q("1Gi"))).to.equal(-1);
    expect(compareQuantities(q("41Gi"), q("40Gi"))).to.equal(1);
  });
});
