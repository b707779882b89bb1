// docs/values.md's table, from the comments of the chart's values.yaml (`# -- text` above a key).
import { isMap, isNode, isScalar, parseDocument } from "yaml";
import type { YAMLMap } from "yaml";

interface Row {
  key: string;
  value: string;
  text: string;
}

/** The `-- ` comment's text, or undefined when the comment has none (`--` opens the last block). */
const described = (comment: string | null | undefined): string | undefined => {
  const block = comment?.split(/^\s*--\s*/m);
  if (!block || block.length < 2) return undefined;
  return (block.at(-1) ?? "")
    .split("\n")
    .map((line) => line.trim())
    .join(" ")
    .trim();
};

function rows(map: YAMLMap, prefix: string): Row[] {
  return map.items.flatMap((pair, index) => {
    const key = `${prefix}${String(isScalar(pair.key) ? pair.key.value : pair.key)}`;
    // YAML puts the comment above a map's first key on the map itself.
    const keyComment = isScalar(pair.key) ? pair.key.commentBefore : undefined;
    const text = described(keyComment ?? (index === 0 ? map.commentBefore : undefined));
    const children = isMap(pair.value) ? rows(pair.value, `${key}.`) : [];
    if (text === undefined) return children;
    const json = isNode(pair.value) ? (pair.value.toJSON() as unknown) : null;
    const value = children.length ? "" : `\`${JSON.stringify(json)}\``;
    return [{ key, value, text }, ...children];
  });
}

const cell = (text: string): string => text.replace(/\|/g, "\\|");

/** The Markdown table of every described key of `valuesYaml`, in file order. */
export function valuesTable(valuesYaml: string): string {
  const doc = parseDocument(valuesYaml);
  if (!isMap(doc.contents)) throw new Error("values.yaml is not a map");
  const lines = rows(doc.contents, "").map(
    (r) => `| \`${r.key}\` | ${cell(r.value)} | ${cell(r.text)} |`,
  );
  return ["| key | default | what |", "| --- | --- | --- |", ...lines].join("\n") + "\n";
}
