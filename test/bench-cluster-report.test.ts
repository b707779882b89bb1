// The tables npm run bench:cluster prints from its rounds (scripts/bench/cluster-report.ts).
import { expect } from "chai";
import { percentile, report } from "../scripts/bench/cluster-report.ts";
import type { Block } from "../scripts/bench/cluster-report.ts";

const block = (times: number[], callsPerCreate = 1, callMs = 2): Block => ({
  times,
  callsPerCreate,
  callMs,
});

describe("npm run bench:cluster's report", () => {
  it("should take the nearest-rank percentile", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(hundred, 50)).to.equal(50);
    expect(percentile(hundred, 99)).to.equal(99);
    expect(percentile([3], 99)).to.equal(3);
  });

  it("should print each round, then the median and range of the rounds and the pooled creates", () => {
    const warm = [block([9, 10, 11]), block([7, 8, 30], 3, 2.5), block([8, 9, 12])];
    const bare = [block([3, 4, 5], 0, 0), block([2, 3, 4], 0, 0), block([4, 5, 6], 0, 0)];
    const lines = report(["vm.yaml"], [warm], [bare], "load average 1.0").split("\n");
    expect(lines[0]).to.equal("load average 1.0");
    expect(lines.slice(4, 7)).to.deep.equal([
      "| vm.yaml | 1 | 10.00 / 11.00 | 4.00 / 5.00 | 6.00 / 6.00 | 1.0; 2.00 |",
      "| vm.yaml | 2 | 8.00 / 30.00 | 3.00 / 4.00 | 5.00 / 26.00 | 3.0; 2.50 |",
      "| vm.yaml | 3 | 9.00 / 12.00 | 5.00 / 6.00 | 4.00 / 6.00 | 1.0; 2.00 |",
    ]);
    expect(lines[10]).to.equal(
      "| vm.yaml | 5.00 (4.00-6.00) | 6.00 (6.00-26.00) | 9.00 / 30.00 | 4.00 / 6.00 |",
    );
  });
});
