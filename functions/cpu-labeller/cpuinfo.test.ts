import { expect } from "chai";
import { FeatureError } from "../../shared/basics/errors.ts";
import { parseCpuinfo, readCpuinfo } from "./cpuinfo.ts";
import { cpuinfoFixture } from "./fixtures/host.ts";

describe("parseCpuinfo", () => {
  it("should report intel with vmx when given an Intel Xeon Gold 6338 host", () => {
    expect(parseCpuinfo(cpuinfoFixture("intel-xeon-gold-6338"))).to.deep.equal({
      vendor: "intel",
      virtualization: "vmx",
    });
  });

  it("should report amd with svm when given an AMD EPYC 7763 host", () => {
    expect(parseCpuinfo(cpuinfoFixture("amd-epyc-7763"))).to.deep.equal({
      vendor: "amd",
      virtualization: "svm",
    });
  });

  it("should report other with none when given an ARM Neoverse-N1 host without vendor_id or flags", () => {
    expect(parseCpuinfo(cpuinfoFixture("ampere-altra-neoverse-n1"))).to.deep.equal({
      vendor: "other",
      virtualization: "none",
    });
  });

  it("should report intel with none when given a KVM guest whose CPU hides vmx", () => {
    expect(parseCpuinfo(cpuinfoFixture("kvm-guest-qemu-virtual-cpu"))).to.deep.equal({
      vendor: "intel",
      virtualization: "none",
    });
  });

  it("should report none when only the `vmx flags` line and `svm_lock` mention the words", () => {
    const text = [
      "processor\t: 0",
      "vendor_id\t: AuthenticAMD",
      "flags\t\t: fpu vme svm_lock npt",
      "vmx flags\t: vnmi ept",
      "",
    ].join("\n");
    expect(parseCpuinfo(text)).to.deep.equal({ vendor: "amd", virtualization: "none" });
  });

  it("should report none when some processors lack the flag", () => {
    const intel = cpuinfoFixture("intel-xeon-gold-6338");
    const blocks = intel.split("\n\n");
    const mixed = [blocks[0], blocks[1]?.replace(/ vmx /, " ")].join("\n\n");
    expect(parseCpuinfo(mixed)).to.deep.equal({ vendor: "intel", virtualization: "none" });
  });

  it("should report other with svm when the vendor is Hygon", () => {
    const text = "processor\t: 0\nvendor_id\t: HygonGenuine\nflags\t\t: fpu svm npt\n";
    expect(parseCpuinfo(text)).to.deep.equal({ vendor: "other", virtualization: "svm" });
  });

  it("should throw a FeatureError naming PROC_ROOT when the text has no processor entries", () => {
    const error = captured(() => parseCpuinfo("MemTotal:       65536000 kB\n"));
    expect(error).to.be.instanceOf(FeatureError);
    expect([(error as FeatureError).message, (error as FeatureError).field]).to.deep.equal([
      "the cpuinfo text has no `processor` entries, so it is not /proc/cpuinfo",
      "PROC_ROOT",
    ]);
  });
});

describe("readCpuinfo", () => {
  it("should throw a FeatureError naming the path when cpuinfo is missing", async () => {
    const error = await readCpuinfo("/nonexistent-proc").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(FeatureError);
    expect([(error as FeatureError).message, (error as FeatureError).field]).to.deep.equal([
      "could not read /nonexistent-proc/cpuinfo (ENOENT)",
      "PROC_ROOT",
    ]);
  });
});

function captured(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
