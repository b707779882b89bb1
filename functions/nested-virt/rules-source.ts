import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { Logger } from "../../shared/runtime/log.ts";
import { ABSENT } from "../../shared/kube/reader.ts";
import type { Absent } from "../../shared/kube/reader.ts";
import { FEATURE } from "./intent.ts";
import type { Rules } from "./rules.ts";
import { NO_RULES, parseRules } from "./rules.ts";

/**
 * Turns the rules ConfigMap, as the reader returns it, into Rules: parsed once per
 * resourceVersion, with each invalid expression logged once per version rather than per review.
 * An absent ConfigMap is no rules.
 */
export function rulesParser(
  source: string,
  log: Logger,
): (configMap: KubeObject | Absent) => Rules {
  let last: { version: string; rules: Rules } | undefined;
  return (configMap) => {
    if (configMap === ABSENT) return NO_RULES;
    const version = configMap.metadata?.["resourceVersion"];
    if (last && typeof version === "string" && version !== "" && last.version === version)
      return last.rules;
    const rules = parseRules((configMap["data"] ?? {}) as Record<string, string>, source);
    for (const problem of rules.problems)
      log("warn", "invalid rule", { feature: FEATURE, problem });
    last = { version: typeof version === "string" ? version : "", rules };
    return rules;
  };
}
