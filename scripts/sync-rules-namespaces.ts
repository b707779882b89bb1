// npm run sync-rules-namespaces -- [--rules <configmap.yaml>] [--webhooks <webhooks.yaml>] [--check]
//
// nested-virt's webhook wakes the function for VMs without the annotation only in the namespaces
// its rules ConfigMap names. A matchCondition cannot read a ConfigMap (CEL there sees only object,
// oldObject, request and authorizer) and a namespaceSelector sees only namespace labels, so the
// list has to be written into the webhook. This derives it from the ConfigMap, so a rules edit is
// one edit: change the ConfigMap (knative/nested-virt.yaml, or a file from `kubectl get configmap
// nested-virt-rules -o yaml`), run this, apply webhooks.yaml. `--check` only says whether they agree.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { syncRulesNamespaces } from "../functions/nested-virt/webhook-namespaces.ts";
import { parseObjects } from "../shared/preview/snapshot.ts";

const { values } = parseArgs({
  options: {
    rules: { type: "string", default: "knative/nested-virt.yaml" },
    webhooks: { type: "string", default: "knative/webhooks.yaml" },
    check: { type: "boolean", default: false },
  },
});
try {
  const objects = parseObjects(readFileSync(values.rules, "utf8"), values.rules);
  const before = readFileSync(values.webhooks, "utf8");
  const after = syncRulesNamespaces(objects, before);
  if (after === before) {
    process.stdout.write(
      `${values.webhooks} already wakes nested-virt for the rules' namespaces\n`,
    );
  } else if (values.check) {
    process.stderr.write(
      `${values.webhooks} does not list the namespaces of ${values.rules}; run npm run sync-rules-namespaces\n`,
    );
    process.exit(1);
  } else {
    writeFileSync(values.webhooks, after);
    process.stdout.write(`${values.webhooks}: nested-virt now wakes for the rules' namespaces\n`);
  }
} catch (error) {
  process.stderr.write(`sync-rules-namespaces: ${(error as Error).message}\n`);
  process.exit(2);
}
