import type { KubeObject } from "../../shared/basics/kube-object.ts";

const LIST = /request\.namespace in \[[^\]]*\]/g;

/** The namespaces the rules ConfigMap names: its keys, sorted so the output is stable. */
export function rulesNamespaces(
  objects: readonly KubeObject[],
  name = "nested-virt-rules",
): string[] {
  const configMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata?.name === name);
  if (!configMap) throw new Error(`no ConfigMap ${name} in the rules file`);
  const data = (configMap["data"] ?? {}) as Record<string, string>;
  return Object.keys(data)
    .map((key) => key.trim())
    .filter((key) => key !== "")
    .sort();
}

/**
 * webhooks.yaml with nested-virt's `request.namespace in [...]` set to the rules' namespaces, as
 * text so that the file's comments and layout stay as they are. The list must occur exactly once.
 */
export function syncRulesNamespaces(objects: readonly KubeObject[], webhooks: string): string {
  const found = webhooks.match(LIST) ?? [];
  if (found.length !== 1)
    throw new Error(
      `expected one "request.namespace in [...]" in the webhooks file, found ${found.length}`,
    );
  const list = rulesNamespaces(objects)
    .map((n) => `'${n}'`)
    .join(", ");
  return webhooks.replace(LIST, `request.namespace in [${list}]`);
}
