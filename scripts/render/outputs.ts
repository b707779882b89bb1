// What npm run render writes, path by path, from the chart (scripts/render.ts).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { format } from "prettier";
import { parseAllDocuments, stringify } from "yaml";
import { openfaasStack } from "../deploy/openfaas.ts";
import { servicesOf } from "../deploy/knative-services.ts";
import { byTemplate, CHART, helmTemplate, NAMESPACE } from "./helm-template.ts";
import { valuesTable } from "./values-table.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const KNATIVE = join(ROOT, "knative");
export const RELEASE = join(ROOT, "release", "vm-feature-functions.yaml");
// Apart from release/, so that applying that folder never needs Harvester's Addon kind.
export const ADDON = join(ROOT, "harvester", "addon.yaml");
export const OPENFAAS = join(ROOT, "openfaas", "stack.yml");
export const VALUES_DOC = join(ROOT, "docs", "values.md");
/** Values of the knative/ rendering: every part on, the Namespace included. */
export const KNATIVE_VALUES = join(CHART, "ci", "knative-values.yaml");
/** Values of the Harvester Addon: no Knative, no cert-manager. */
export const HARVESTER_VALUES = join(CHART, "ci", "harvester-values.yaml");

const GENERATED = "Rendered from charts/vm-feature-functions by `npm run render`: change the chart";

// The repository's Prettier settings, so the files pass npm test's format check as written.
const PRETTIER = { parser: "yaml", printWidth: 100 } as const;
const yaml = (text: string): Promise<string> => format(text, PRETTIER);

/** knative/<template>: that template's objects, as `kubectl apply -f knative/` takes them. */
async function knativeFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const [file, docs] of byTemplate(helmTemplate(["-f", KNATIVE_VALUES]))) {
    const header = `# ${GENERATED}\n# (values: charts/vm-feature-functions/ci/knative-values.yaml), never this file.\n`;
    files.set(join(KNATIVE, file), await yaml(header + docs.join("---\n")));
  }
  return files;
}

/** The release manifest: the chart with its defaults and the Namespace, for `kubectl apply -f`. */
async function releaseManifest(): Promise<string> {
  const docs = [...byTemplate(helmTemplate(["--set", "createNamespace=true"])).values()].flat();
  const header = `# vm-feature-functions with the chart's defaults, for kubectl apply -f (needs Knative and
# cert-manager; helm install is the same with values). ${GENERATED}, never this file.\n`;
  return yaml(header + docs.join("---\n"));
}

/** Harvester's Addon wrapping the chart, with the values a stock Harvester needs. */
async function harvesterAddon(version: string): Promise<string> {
  const addon = {
    apiVersion: "harvesterhci.io/v1beta1",
    kind: "Addon",
    metadata: { name: "vm-feature-functions", namespace: NAMESPACE },
    spec: {
      repo: "https://vm-feature-functions.github.io/charts",
      chart: "vm-feature-functions",
      version,
      enabled: true,
      valuesContent: readFileSync(HARVESTER_VALUES, "utf8"),
    },
  };
  const header = `# The chart as a Harvester add-on (docs/harvester.md): kubectl apply -f this file, then toggle
# it in Harvester's UI. ${GENERATED} or ci/harvester-values.yaml, never this file.\n`;
  return yaml(header + stringify(addon, { lineWidth: 0 }));
}

/** The chart's version, from Chart.yaml. */
const chartVersion = (): string =>
  /^version: (\S+)$/m.exec(readFileSync(join(CHART, "Chart.yaml"), "utf8"))?.[1] ?? "";

async function valuesDoc(): Promise<string> {
  const intro = `# Chart values\n\nEvery value of \`charts/vm-feature-functions\`, from the comments in its \`values.yaml\`\n(\`npm run render\` writes this page; a test keeps it current). \`values.schema.json\` refuses a\nwrong value and names its key.\n\n`;
  const table = valuesTable(readFileSync(join(CHART, "values.yaml"), "utf8"));
  return format(intro + table, { ...PRETTIER, parser: "markdown" });
}

/** Every file npm run render writes, with its content. */
export async function renderedFiles(): Promise<Map<string, string>> {
  const files = await knativeFiles();
  const inFileOrder = [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const services = servicesOf(
    inFileOrder.flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS() as unknown)),
  );
  files.set(OPENFAAS, openfaasStack(services));
  files.set(RELEASE, await releaseManifest());
  files.set(ADDON, await harvesterAddon(chartVersion()));
  files.set(VALUES_DOC, await valuesDoc());
  return files;
}

/** The files in knative/ that no template renders (stale once a template is gone). */
export function strayKnativeFiles(rendered: ReadonlyMap<string, string>): string[] {
  return readdirSync(KNATIVE)
    .map((f) => join(KNATIVE, f))
    .filter((f) => !rendered.has(f));
}
