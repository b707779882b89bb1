/**
 * Opt-in rules kept in a ConfigMap: each key a namespace, each value comma-separated regular
 * expressions matched against VM names. Expressions are used exactly as written (no implicit
 * anchors), so `vm-` matches anywhere in the name and `^vm-` only at the start.
 */
export interface Rules {
  byNamespace: ReadonlyMap<string, readonly RegExp[]>;
  /** One line per expression that failed to compile; the other expressions still apply. */
  problems: readonly string[];
}

export const NO_RULES: Rules = { byNamespace: new Map(), problems: [] };

export function parseRules(data: Readonly<Record<string, string>>, source: string): Rules {
  const byNamespace = new Map<string, RegExp[]>();
  const problems: string[] = [];
  for (const [namespace, value] of Object.entries(data)) {
    const compiled: RegExp[] = [];
    for (const expression of value
      .split(",")
      .map((e) => e.trim())
      .filter((e) => e !== "")) {
      try {
        compiled.push(new RegExp(expression));
      } catch (error) {
        problems.push(
          `${source} key "${namespace}": "${expression}" is not a valid regular expression (${(error as Error).message}); fix or remove it`,
        );
      }
    }
    byNamespace.set(namespace.trim(), compiled);
  }
  return { byNamespace, problems };
}

/** The expression that selects the VM, if any. */
export function matchingRule(rules: Rules, namespace: string, name: string): RegExp | undefined {
  return rules.byNamespace.get(namespace)?.find((expression) => expression.test(name));
}

/** Problems that concern VMs of this namespace, for the response's warnings. */
export function problemsFor(rules: Rules, namespace: string): string[] {
  return rules.problems.filter((p) => p.includes(`key "${namespace}":`));
}
