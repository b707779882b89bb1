// Knative Serving's CustomResourceDefinitions, read from the knative.dev/serving module that
// tools/knative-serving pins (config/core/300-resources/): the Go module cache holds them, checked
// against go.sum, so the repository carries none of Knative's files.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { ROOT } from "./binaries.ts";
import { go } from "./go-command.ts";

export const KNATIVE_MODULE = join(ROOT, "tools", "knative-serving");
const RESOURCES = join("config", "core", "300-resources");

/** The folder of the pinned knative.dev/serving in the module cache, downloaded when missing. */
export async function knativeServingDir(): Promise<string> {
  const out = await go(
    ["mod", "download", "-json", "knative.dev/serving"],
    KNATIVE_MODULE,
    "go mod download knative.dev/serving",
  );
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!info.Dir)
    throw new Error(`go mod download knative.dev/serving failed: ${info.Error ?? out}`);
  return info.Dir;
}

/** Knative Serving's CRDs (Service, Configuration, Revision, Route, ...). */
export async function knativeCrds(): Promise<Record<string, unknown>[]> {
  const dir = join(await knativeServingDir(), RESOURCES);
  return readdirSync(dir)
    .filter((file) => file.endsWith(".yaml"))
    .sort()
    .flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), "utf8")))
    .map((doc) => doc.toJS() as Record<string, unknown> | null)
    .filter((crd): crd is Record<string, unknown> => crd?.["kind"] === "CustomResourceDefinition");
}
