import { expect } from "chai";
import { jsonLogger } from "./log.ts";

describe("jsonLogger", () => {
  const lines = (minimum = "info"): { log: ReturnType<typeof jsonLogger>; out: string[] } => {
    const out: string[] = [];
    return { log: jsonLogger((line) => out.push(line), minimum), out };
  };

  it("should write one JSON object a line: time, level, msg, then the fields in order", () => {
    const { log, out } = lines();
    log("info", "admission", { feature: "nested-virt", patchOps: 2, reason: undefined });
    expect(out).to.have.length(1);
    expect(out[0]?.endsWith("}\n")).to.equal(true);
    const line = JSON.parse(out[0] ?? "") as Record<string, unknown>;
    expect(Object.keys(line)).to.deep.equal(["time", "level", "msg", "feature", "patchOps"]);
    expect(line).to.deep.include({ level: "info", msg: "admission", feature: "nested-virt" });
    expect(new Date(line["time"] as string).toISOString()).to.equal(line["time"]);
    expect(Math.abs(Date.parse(line["time"] as string) - Date.now())).to.be.lessThan(5_000);
  });

  it("should write a line without fields, and escape what the message holds", () => {
    const { log, out } = lines();
    log("warn", 'a "quoted"\nmessage');
    expect(JSON.parse(out[0] ?? "")).to.deep.include({ level: "warn", msg: 'a "quoted"\nmessage' });
    expect(Object.keys(JSON.parse(out[0] ?? "") as object)).to.deep.equal(["time", "level", "msg"]);
  });

  it("should leave out what is below LOG_LEVEL, and everything when silent", () => {
    const info = lines("warn");
    info.log("info", "dropped");
    info.log("error", "kept");
    const silent = lines("silent");
    silent.log("error", "dropped");
    expect(info.out.map((l) => (JSON.parse(l) as { msg: string }).msg)).to.deep.equal(["kept"]);
    expect(silent.out).to.deep.equal([]);
  });
});
