import { expect } from "chai";
import { copyPath, deepFreeze } from "./sharing.ts";

describe("copyPath", () => {
  const vm = deepFreeze({
    metadata: { name: "vm" },
    spec: { running: true, template: { spec: { domain: { cpu: { cores: 2 } }, volumes: [] } } },
  });

  it("should copy each object on the path and share everything off it", () => {
    const copy = { ...vm };
    const domain = copyPath(copy, "spec", "template", "spec", "domain");
    domain["cpu"] = { cores: 4 };
    expect(copy.spec.template.spec.domain).to.deep.equal({ cpu: { cores: 4 } });
    expect(vm.spec.template.spec.domain.cpu.cores).to.equal(2);
    expect(copy.metadata).to.equal(vm.metadata);
    expect(copy.spec.template.spec.volumes).to.equal(vm.spec.template.spec.volumes);
  });

  it("should create the objects missing on the path", () => {
    const copy: Record<string, unknown> = { metadata: vm.metadata };
    copyPath(copy, "spec", "template")["spec"] = {};
    expect(copy).to.deep.equal({ metadata: { name: "vm" }, spec: { template: { spec: {} } } });
  });

  it("should refuse a value on the path that is not an object, naming the field", () => {
    const copy = { ...vm, spec: { ...vm.spec, template: "x" } };
    expect(() => copyPath(copy, "spec", "template", "spec")).to.throw(
      "the object's spec.template is not an object",
    );
  });
});
