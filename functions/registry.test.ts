import { expect } from "chai";
import { existsSync, readdirSync } from "node:fs";
import { DECLARED } from "./declarations.ts";
import { mutators } from "./mutators.ts";
import { FUNCTIONS, namesOf, servedNames } from "./registry.ts";
import { targets } from "./targets.ts";

const here = new URL(".", import.meta.url);

describe("the function registry (functions/registry.ts)", () => {
  it("should declare every function folder, and nothing else", () => {
    const folders = readdirSync(here, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(FUNCTIONS.map((f) => f.name).sort()).to.deep.equal(folders.sort());
  });

  it("should give every function but a sidecar an entry point, index.ts", () => {
    const withIndex = FUNCTIONS.filter((f) => existsSync(new URL(`${f.name}/index.ts`, here)));
    expect(withIndex.map((f) => f.name)).to.deep.equal(servedNames());
  });

  it("should be what the image serves, in its order", () => {
    expect(Object.keys(targets)).to.deep.equal(servedNames());
  });

  it("should give the preview every admission function's Feature, in webhook order", () => {
    expect(mutators.map((make) => make().name)).to.deep.equal(namesOf("admission"));
  });

  it("should have a Feature exactly for the admission functions", () => {
    expect(DECLARED.filter((d) => d.admission).map((d) => d.name)).to.deep.equal(
      namesOf("admission"),
    );
  });

  it("should declare the kind of object each Feature admits", async () => {
    const declared = DECLARED.flatMap((d) => (d.admission ? [d.admission] : []));
    const kinds = await Promise.all(
      declared.map(async (a) => (await a.feature())().kinds.map((k) => k.kind)),
    );
    expect(kinds).to.deep.equal(declared.map((a) => [a.object]));
  });
});
