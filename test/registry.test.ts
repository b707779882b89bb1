// What ties functions/registry.ts to the rest of the house: every entry has its folder, its docs
// page, its chart values and its rendered manifests (knative/: every part on), and no source file
// outside the functions' folders lists functions.
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { FUNCTIONS, namesOf, servedNames } from "../functions/registry.ts";
import { valuesKey } from "./helpers/chart.ts";
import type { Doc } from "./helpers/manifests.ts";
import { manifestDocuments } from "./helpers/manifests.ts";

const ROOT = new URL("../", import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), "utf8");
const NAMES = FUNCTIONS.map((f) => f.name);

/** The FUNCTION_TARGET of every container of `doc`'s pod template (Service, Deployment, DaemonSet). */
function targetsOf(doc: Doc): string[] {
  const spec = doc["spec"] as { template?: { spec?: { containers?: unknown[] } } } | undefined;
  return (spec?.template?.spec?.containers ?? []).flatMap((c) =>
    ((c as { env?: { name: string; value?: string }[] }).env ?? [])
      .filter((e) => e.name === "FUNCTION_TARGET")
      .map((e) => e.value ?? ""),
  );
}

/** Every .ts file of the repository that is not a test, outside node_modules and dist. */
function sourceFiles(dir = ""): string[] {
  return readdirSync(new URL(dir || ".", ROOT), { withFileTypes: true }).flatMap((d) => {
    const path = `${dir}${d.name}`;
    if (d.isDirectory())
      return ["node_modules", "dist", ".git", ".cluster"].includes(d.name)
        ? []
        : sourceFiles(`${path}/`);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : [];
  });
}

describe("the registry and the rest of the house", () => {
  const values = parse(read("charts/vm-feature-functions/values.yaml")) as Record<string, unknown>;
  const knative = manifestDocuments();

  for (const name of NAMES) {
    it(`should give ${name} its folder with a declaration, and its docs page`, () => {
      for (const path of [`functions/${name}/declaration.ts`, `docs/functions/${name}.md`])
        expect(existsSync(new URL(path, ROOT)), `${path} is missing`).to.equal(true);
    });
  }

  for (const name of servedNames()) {
    it(`should give ${name} a values block, a template and its rendered manifests`, () => {
      expect(values, `charts/vm-feature-functions/values.yaml`).to.have.property(valuesKey(name));
      const template = `charts/vm-feature-functions/templates/${name}.yaml`;
      expect(existsSync(new URL(template, ROOT)), `${template} is missing`).to.equal(true);
      const served = (docs: { file: string; doc: Doc }[]): string[] =>
        docs.filter(({ doc }) => targetsOf(doc).includes(name)).map(({ file }) => file);
      expect(served(knative), "knative/ (npm run render)").to.deep.equal([`${name}.yaml`]);
    });
  }

  it("should list every function in the README's table, linking its page", () => {
    const readme = read("README.md");
    const missing = NAMES.filter((name) => !readme.includes(`](docs/functions/${name}.md)`));
    expect(missing, "README.md's table of functions").to.deep.equal([]);
  });

  it("should have a docs page for every function and for nothing else", () => {
    const pages = readdirSync(new URL("docs/functions/", ROOT)).map((f) => f.replace(/\.md$/, ""));
    expect(pages.sort()).to.deep.equal([...NAMES].sort());
  });

  it("should render a webhook entry for each admission function, in the registry's order", () => {
    const config = knative.find(({ doc }) => doc.kind === "MutatingWebhookConfiguration")?.doc;
    const entries = (config?.["webhooks"] as { name: string }[] | undefined) ?? [];
    expect(entries.map((e) => e.name)).to.deep.equal(
      namesOf("admission").map((name) => `${name}.vm-feature-manager.io`),
    );
  });

  // A table keyed by function names outside functions/registry.ts is a second place to declare
  // a function in: derive it from the registry (or the function's declaration.ts) instead.
  it("should list functions nowhere else: no source file outside a function's folder names two", () => {
    const listing = sourceFiles()
      .filter((path) => path !== "functions/registry.ts" && !/^functions\/[^/]+\//.test(path))
      .map((path) => ({ path, names: NAMES.filter((name) => read(path).includes(`"${name}"`)) }))
      .filter(({ names }) => names.length > 1);
    expect(listing).to.deep.equal([]);
  });
});
