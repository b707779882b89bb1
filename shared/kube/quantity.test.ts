import { expect } from "chai";
import type { QuantityFormat } from "./quantity.ts";
import {
  addQuantities,
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  parseQuantity,
  sameQuantity,
} from "./quantity.ts";

describe("quantities", () => {
  const parsed: { given: string; nano: bigint | undefined }[] = [
    { given: "100m", nano: 100_000_000n },
    { given: "2", nano: 2_000_000_000n },
    { given: "1.5", nano: 1_500_000_000n },
    { given: ".5", nano: 500_000_000n },
    { given: "1Gi", nano: 1024n ** 3n * 10n ** 9n },
    { given: "35M", nano: 35n * 10n ** 15n },
    { given: "2e3", nano: 2000n * 10n ** 9n },
    { given: "1E-3", nano: 1_000_000n },
    { given: "10n", nano: 10n },
    { given: "0.1n", nano: 1n },
    { given: " 64Mi ", nano: 64n * 1024n ** 2n * 10n ** 9n },
    { given: "1.5.2", nano: undefined },
    { given: "12Q", nano: undefined },
    { given: "", nano: undefined },
  ];
  for (const tc of parsed) {
    it(`should read ${JSON.stringify(tc.given)} as ${tc.nano ?? "no quantity"}`, () => {
      expect(parseQuantity(tc.given)?.nanos).to.equal(tc.nano);
    });
  }

  // A sum of decimal amounts keeps its decimal suffix (`35M` + `35M`); a binary-format amount that
  // 1024 does not divide prints plain, as resource.Quantity.String() does.
  const formatted: { nano: bigint; format: QuantityFormat; want: string }[] = [
    { nano: 2_000_000_000n, format: "DecimalSI", want: "2" },
    { nano: 2_010_000_000n, format: "DecimalSI", want: "2010m" },
    { nano: 15n, format: "DecimalSI", want: "15n" },
    { nano: (2048n + 128n) * 1024n ** 2n * 10n ** 9n, format: "BinarySI", want: "2176Mi" },
    { nano: 70n * 10n ** 15n, format: "DecimalSI", want: "70M" },
    { nano: 70n * 10n ** 15n, format: "BinarySI", want: "70000000" },
    { nano: 1234567n * 10n ** 9n, format: "BinarySI", want: "1234567" },
    { nano: 0n, format: "BinarySI", want: "0" },
  ];
  for (const tc of formatted) {
    it(`should write ${tc.nano} nano-units as ${tc.want} (${tc.format})`, () => {
      expect(formatQuantity({ nanos: tc.nano, format: tc.format })).to.equal(tc.want);
      expect(parseQuantity(tc.want)?.nanos).to.equal(tc.nano);
    });
  }

  const sums: [string, string, string][] = [
    ["2Gi", "80Mi", "2128Mi"],
    ["1", "10m", "1010m"],
    ["35M", "35M", "70M"],
    ["2Gi", "1G", "3147483648"],
    ["0", "1Gi", "1Gi"],
  ];
  for (const [a, b, want] of sums) {
    it(`should add ${a} and ${b} as resource.Quantity.Add does: ${want}`, () => {
      const left = parseQuantity(a);
      const right = parseQuantity(b);
      if (!left || !right) throw new Error(`${a} + ${b}`);
      expect(formatQuantity(addQuantities(left, right))).to.equal(want);
    });
  }

  it("should compare amounts, not spellings", () => {
    expect(sameQuantity("1Gi", "1024Mi")).to.equal(true);
    expect(sameQuantity("2", "2000m")).to.equal(true);
    expect(sameQuantity("1G", "1Gi")).to.equal(false);
    expect(sameQuantity("x", "x")).to.equal(false);
    expect(sameQuantity(undefined, "1")).to.equal(false);
  });
});

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

describe("parseQuantity's shared values", () => {
  it("should hand every caller the same spelling's value frozen, so none can change another's", () => {
    const first = parseQuantity("1536Mi");
    const again = parseQuantity("1536Mi");
    expect(again).to.equal(first);
    expect(Object.isFrozen(first)).to.equal(true);
    expect(() => {
      (first as { nanos: bigint }).nanos = 0n;
    }).to.throw(TypeError);
    expect(parseQuantity("1536Mi")?.nanos).to.equal(1536n * 1024n * 1024n * 1_000_000_000n);
  });

  it("should read every spelling right past the number it keeps, and remember refusals too", () => {
    for (let i = 1; i <= 3000; i += 1)
      expect(parseQuantity(`${i}m`)?.nanos).to.equal(BigInt(i) * 1_000_000n);
    expect(parseQuantity("10GB")).to.equal(undefined);
    expect(parseQuantity("10GB")).to.equal(undefined);
    expect(parseQuantity(" 2Gi ")?.nanos).to.equal(parseQuantity("2Gi")?.nanos);
  });
});
