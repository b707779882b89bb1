import { expect } from "chai";
import { existsSync, readdirSync } from "node:fs";
import { mutators } from "./mutators.ts";
import { FUNCTIONS, namesOf } from "./registry.ts";
import { targets } from "./targets.ts";

const here = new URL(".", import.meta.url);

describe("the function registry (functions/registry.ts)", () => {
  it("should declare every function folder with an entry point, and nothing else", () => {
    const folders = readdirSync(here, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(new URL(`${d.name}/index.ts`, here)))
      .map((d) => d.name);
    expect(FUNCTIONS.map((f) => f.name).sort()).to.deep.equal(folders.sort());
  });

  it("should be what the image serves, in its order", () => {
    expect(Object.keys(targets)).to.deep.equal(FUNCTIONS.map((f) => f.name));
  });

  it("should give the preview every admission function's Feature, in webhook order", () => {
    expect(mutators.map((make) => make().name)).to.deep.equal(namesOf("admission"));
  });
});
