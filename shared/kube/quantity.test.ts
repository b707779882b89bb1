import { expect } from "chai";
import { formatQuantity, parseQuantity, sameQuantity } from "./quantity.ts";

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
      expect(parseQuantity(tc.given)).to.equal(tc.nano);
    });
  }

  const formatted: { nano: bigint; binary: boolean; want: string }[] = [
    { nano: 2_000_000_000n, binary: false, want: "2" },
    { nano: 2_010_000_000n, binary: false, want: "2010m" },
    { nano: 15n, binary: false, want: "15n" },
    { nano: (2048n + 128n) * 1024n ** 2n * 10n ** 9n, binary: true, want: "2176Mi" },
    { nano: 70n * 10n ** 15n, binary: true, want: "70M" },
    { nano: 1234567n * 10n ** 9n, binary: true, want: "1234567" },
    { nano: 0n, binary: true, want: "0" },
  ];
  for (const tc of formatted) {
    it(`should write ${tc.nano} nano-units as ${tc.want}${tc.binary ? " (binary)" : ""}`, () => {
      expect(formatQuantity(tc.nano, { binary: tc.binary })).to.equal(tc.want);
      expect(parseQuantity(tc.want)).to.equal(tc.nano);
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
