import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const KNATIVE_DIR = fileURLToPath(new URL("../../knative/", import.meta.url));

export type Doc = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
};

/** Every object in knative/*.yaml, with the file it came from; YAML errors throw. */
export function manifestDocuments(dir = KNATIVE_DIR): { file: string; doc: Doc }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(`${dir}${file}`, "utf8")).map((d) => {
        if (d.errors.length) throw new Error(`${file}: ${d.errors[0]?.message ?? ""}`);
        return { file, doc: d.toJS() as Doc };
      }),
    )
    .filter(({ doc }) => doc && doc.kind !== undefined);
}
