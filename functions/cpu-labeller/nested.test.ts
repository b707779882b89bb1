import { expect } from "chai";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { FeatureError } from "../../shared/basics/errors.ts";
import { fakeHost } from "./fixtures/host.ts";
import { interpretNested, nestedParameterPath, readNested } from "./nested.ts";

describe("interpretNested", () => {
  it("should read Y, 1 as on and N, 0, a missing file or other text as off", () => {
    const inputs = ["Y\n", "1\n", "N\n", "0\n", undefined, "", "yes\n"];
    expect(inputs.map(interpretNested)).to.deep.equal([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe("nestedParameterPath", () => {
  it("should pick kvm_intel for vmx, kvm_amd for svm and nothing for none", () => {
    expect(
      ["vmx", "svm", "none"].map((v) => nestedParameterPath("/sys", v as "vmx")),
    ).to.deep.equal([
      "/sys/module/kvm_intel/parameters/nested",
      "/sys/module/kvm_amd/parameters/nested",
      undefined,
    ]);
  });
});

describe("readNested", () => {
  it("should report on when kvm_intel says Y on a vmx host", async () => {
    const host = fakeHost("intel-xeon-gold-6338", { module: "kvm_intel", value: "Y\n" });
    expect(await readNested(host.sysRoot, "vmx")).to.equal(true);
  });

  it("should report on when kvm_amd says 1 on an svm host", async () => {
    const host = fakeHost("amd-epyc-7763", { module: "kvm_amd", value: "1\n" });
    expect(await readNested(host.sysRoot, "svm")).to.equal(true);
  });

  it("should report off when kvm_amd says 0", async () => {
    const host = fakeHost("amd-epyc-7763", { module: "kvm_amd", value: "0\n" });
    expect(await readNested(host.sysRoot, "svm")).to.equal(false);
  });

  it("should report off when the module is not loaded", async () => {
    const host = fakeHost("intel-xeon-gold-6338");
    expect(await readNested(host.sysRoot, "vmx")).to.equal(false);
  });

  it("should report off when the other vendor's module says Y", async () => {
    const host = fakeHost("amd-epyc-7763", { module: "kvm_intel", value: "Y\n" });
    expect(await readNested(host.sysRoot, "svm")).to.equal(false);
  });

  it("should throw a FeatureError naming SYS_ROOT when the parameter cannot be read", async () => {
    const host = fakeHost("intel-xeon-gold-6338");
    const path = join(host.sysRoot, "module", "kvm_intel", "parameters", "nested");
    mkdirSync(path, { recursive: true });
    const error = await readNested(host.sysRoot, "vmx").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(FeatureError);
    expect([(error as FeatureError).message, (error as FeatureError).field]).to.deep.equal([
      `could not read ${path} (EISDIR)`,
      "SYS_ROOT",
    ]);
  });
});
