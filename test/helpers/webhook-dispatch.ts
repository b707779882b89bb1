import { isCelError, run } from "@bufbuild/cel";
import type { CelInput } from "@bufbuild/cel";
import type { AdmissionRequest } from "../../shared/admission/types.ts";
import { matchesLabels } from "../../shared/kube/selectors.ts";

// Whether the API server would call a webhook entry for a request: its rules (group, version,
// resource, operation), namespaceSelector, objectSelector and matchConditions (CEL, evaluated with
// a CEL implementation on the variables the API server binds), in that order.

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface WebhookEntry {
  name: string;
  clientConfig: { service?: { path?: string } };
  rules?: {
    apiGroups: string[];
    apiVersions: string[];
    operations: string[];
    resources: string[];
  }[];
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  matchConditions?: { name: string; expression: string }[];
  [key: string]: unknown;
}

const OPERATORS: Record<string, (key: string, list: string) => string> = {
  In: (key, list) => `${key} in (${list})`,
  NotIn: (key, list) => `${key} notin (${list})`,
  Exists: (key) => key,
  DoesNotExist: (key) => `!${key}`,
};

/** A LabelSelector as the selector string the shared matcher reads. */
export function selectorString(selector: LabelSelector | undefined): string {
  const terms = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    const term = OPERATORS[operator];
    if (!term) throw new Error(`unknown selector operator ${operator}`);
    terms.push(term(key, values.join(",")));
  }
  return terms.join(",");
}

const matchesRules = (hook: WebhookEntry, request: AdmissionRequest): boolean =>
  (hook.rules ?? []).some(
    (rule) =>
      (rule.apiGroups.includes("*") || rule.apiGroups.includes(request.kind.group)) &&
      (rule.apiVersions.includes("*") || rule.apiVersions.includes(request.kind.version)) &&
      (rule.operations.includes("*") || rule.operations.includes(request.operation)) &&
      (rule.resources.includes("*") || rule.resources.includes(request.resource?.resource ?? "")),
  );

/** Evaluates every matchCondition; a CEL error is thrown, as the API server fails the call. */
export function conditionsHold(hook: WebhookEntry, request: AdmissionRequest): boolean {
  const bindings = {
    object: request.object ?? null,
    oldObject: request.oldObject ?? null,
    request: { ...request, object: undefined, oldObject: undefined },
  };
  return (hook.matchConditions ?? []).every(({ name, expression }) => {
    const result = run(
      expression,
      JSON.parse(JSON.stringify(bindings)) as Record<string, CelInput>,
    );
    if (isCelError(result)) throw new Error(`${hook.name} ${name}: ${result.message}`);
    return result === true;
  });
}

/** Whether the API server calls `hook` for `request` in a namespace with `namespaceLabels`. */
export function calls(
  hook: WebhookEntry,
  request: AdmissionRequest,
  namespaceLabels: Record<string, string>,
): boolean {
  return (
    matchesRules(hook, request) &&
    matchesLabels(selectorString(hook.namespaceSelector), namespaceLabels) &&
    matchesLabels(selectorString(hook.objectSelector), request.object?.metadata?.labels ?? {}) &&
    conditionsHold(hook, request)
  );
}
