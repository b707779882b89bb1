import { expect } from "chai";
import { mutators } from "../../functions/mutators.ts";
import { targets } from "../../functions/targets.ts";
import { FUNCTIONS } from "./functions.ts";

describe("the reliability table (each function's fixtures/reliability.ts)", () => {
  for (const name of Object.keys(targets)) {
    it(`should have a line for ${name}, so the suite covers it`, () => {
      expect(
        FUNCTIONS,
        `give functions/${name}/declaration.ts a reliability line`,
      ).to.have.property(name);
    });
  }
  for (const make of mutators) {
    const name = make().name;
    it(`should describe ${name}'s admission: the paths it owns and its trigger values`, () => {
      expect(FUNCTIONS[name]?.admission, `give ${name}'s line an admission entry`).to.not.equal(
        undefined,
      );
    });
  }
  for (const [name, line] of Object.entries(FUNCTIONS)) {
    it(`should know how to start and probe ${name}`, () => {
      expect(
        Object.hasOwn(targets, name) || line.entry !== undefined,
        `${name}: not in targets.ts and no entry`,
      ).to.equal(true);
      expect(
        line.admission !== undefined || line.probe !== undefined,
        `${name}: neither admission nor probe`,
      ).to.equal(true);
    });
  }
});
