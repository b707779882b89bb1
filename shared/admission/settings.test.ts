import { expect } from "chai";
import { parseCount } from "../basics/env.ts";
import { settingsFromEnv } from "./settings.ts";

describe("settingsFromEnv", () => {
  it("should default to reject, tracking on and a 3 s lookup deadline", () => {
    expect(settingsFromEnv("nested-virt", {})).to.deep.equal({
      errorHandling: "reject",
      tracking: true,
      viewDeadlineMs: 3000,
    });
  });

  it("should read the feature's own error handling variable", () => {
    const env = { NESTED_VIRT_ERROR_HANDLING: "Allow-And-Log", ADD_TRACKING_ANNOTATIONS: "false" };
    expect(settingsFromEnv("nested-virt", env)).to.deep.equal({
      errorHandling: "allow-and-log",
      tracking: false,
      viewDeadlineMs: 3000,
    });
  });

  it("should refuse a mode that does not exist, naming the variable and the choices", () => {
    expect(() => settingsFromEnv("nested-virt", { NESTED_VIRT_ERROR_HANDLING: "ignore" })).to.throw(
      'nested-virt: NESTED_VIRT_ERROR_HANDLING="ignore" is not a mode; use one of reject, allow-and-log, strip-label',
    );
  });

  it("should refuse a tracking switch that is not a boolean", () => {
    expect(() => settingsFromEnv("nested-virt", { ADD_TRACKING_ANNOTATIONS: "maybe" })).to.throw(
      'ADD_TRACKING_ANNOTATIONS="maybe" is not a boolean; use true or false',
    );
  });
});

describe("parseCount", () => {
  it("should take a positive whole number, or the fallback when unset", () => {
    expect([
      parseCount("N", "4", 8),
      parseCount("N", undefined, 8),
      parseCount("N", " ", 8),
    ]).to.deep.equal([4, 8, 8]);
  });

  it("should refuse zero, fractions and words, naming the variable", () => {
    for (const raw of ["0", "1.5", "eight"])
      expect(() => parseCount("PCI_MAX_DEVICES", raw, 8)).to.throw(
        `PCI_MAX_DEVICES="${raw}" is not a positive whole number`,
      );
  });
});
