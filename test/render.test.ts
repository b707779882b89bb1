// Every manifest the project ships is a rendering of the chart (npm run render), never a copy kept
// by hand: knative/, the release manifest, the OpenFaaS stack, the Harvester Addon, the values page.
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { renderedFiles, strayKnativeFiles } from "../scripts/render/outputs.ts";
import { HELM_BUILD_TIMEOUT_MS } from "./helpers/chart.ts";
import { KNATIVE_DIR } from "./helpers/manifests.ts";

describe("npm run render", function () {
  this.timeout(HELM_BUILD_TIMEOUT_MS);
  let rendered = new Map<string, string>();

  before(async () => {
    rendered = await renderedFiles();
  });

  it("should have written every file it renders as it renders it now", () => {
    const stale = [...rendered]
      .filter(([path, text]) => {
        try {
          return readFileSync(path, "utf8") !== text;
        } catch {
          return true;
        }
      })
      .map(([path]) => path);
    expect(stale, "run npm run render").to.deep.equal([]);
  });

  it("should leave nothing in knative/ that the chart does not render", () => {
    expect(strayKnativeFiles(rendered)).to.deep.equal([]);
  });

  it("should keep every knative/ file a list of Kubernetes objects, so kubectl apply -f knative/ works", () => {
    for (const file of readdirSync(KNATIVE_DIR)) {
      expect(file).to.match(/\.yaml$/);
      for (const doc of parseAllDocuments(readFileSync(`${KNATIVE_DIR}${file}`, "utf8"))) {
        const object = doc.toJS() as { apiVersion?: string; kind?: string; metadata?: object };
        expect(object, file).to.include.keys("apiVersion", "kind", "metadata");
      }
    }
  });
});
