// npm run openfaas-stack [-- --check]
// Writes openfaas/stack.yml from the Knative Services in knative/: the same image, target,
// settings, ServiceAccount and resources, so the OpenFaaS path cannot drift from the Knative one.
// `--check` only says whether the file is current (the test suite runs it).
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { openfaasStack } from "./deploy/openfaas.ts";
import { knativeServices } from "./deploy/knative-services.ts";

const FILE = "openfaas/stack.yml";
const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
const wanted = openfaasStack(knativeServices("knative"));
const current = (() => {
  try {
    return readFileSync(FILE, "utf8");
  } catch {
    return "";
  }
})();
if (current === wanted) process.stdout.write(`${FILE} is current\n`);
else if (values.check) {
  process.stderr.write(`${FILE} does not match knative/; run npm run openfaas-stack\n`);
  process.exit(1);
} else {
  writeFileSync(FILE, wanted);
  process.stdout.write(`${FILE} written from knative/\n`);
}
