import { expect } from "chai";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { targets } from "../functions/targets.ts";
import { knativeServices } from "../scripts/deploy/knative-services.ts";
import { openfaasStack } from "../scripts/deploy/openfaas.ts";
import { KNATIVE_DIR } from "./helpers/manifests.ts";

const STACK = new URL("../openfaas/stack.yml", import.meta.url);

describe("the OpenFaaS stack (openfaas/stack.yml)", () => {
  it("should be what npm run render writes from the Knative Services", () => {
    expect(readFileSync(STACK, "utf8")).to.equal(openfaasStack(knativeServices(KNATIVE_DIR)));
  });

  it("should run every Knative function, with the same target, ServiceAccount and settings", () => {
    const stack = parse(readFileSync(STACK, "utf8")) as {
      functions: Record<
        string,
        { environment: Record<string, string>; annotations: Record<string, string> }
      >;
    };
    const services = knativeServices(KNATIVE_DIR);
    expect(Object.keys(stack.functions)).to.deep.equal(services.map((s) => s.name));
    for (const service of services) {
      const entry = stack.functions[service.name];
      expect(Object.keys(targets)).to.include(entry?.environment["FUNCTION_TARGET"]);
      expect(entry?.environment["FUNCTION_TARGET"]).to.equal(service.env["FUNCTION_TARGET"]);
      expect(entry?.annotations["com.openfaas.serviceaccount"]).to.equal(service.serviceAccount);
    }
  });

  it("should move namespace settings to openfaas-fn, where OpenFaaS runs functions", () => {
    const stack = openfaasStack([
      {
        name: "f",
        image: "i",
        serviceAccount: "f",
        env: { FUNCTION_TARGET: "f", NESTED_VIRT_RULES_NAMESPACE: "vm-feature-functions" },
        requests: {},
        limits: {},
        readOnlyRootFilesystem: true,
        scaleToZeroAfter: "15m",
      },
    ]);
    const parsed = parse(stack) as { functions: { f: Record<string, unknown> } };
    expect(parsed.functions.f["environment"]).to.deep.equal({
      FUNCTION_TARGET: "f",
      NESTED_VIRT_RULES_NAMESPACE: "openfaas-fn",
    });
    expect(parsed.functions.f["readonly_root_filesystem"]).to.equal(true);
  });
});
