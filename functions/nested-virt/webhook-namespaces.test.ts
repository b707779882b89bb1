import { expect } from "chai";
import { configMapObject } from "../../test/helpers/cluster.ts";
import { rulesNamespaces, syncRulesNamespaces } from "./webhook-namespaces.ts";

const WEBHOOKS = `webhooks:
  - name: nested-virt.vm-feature-manager.io
    # a comment that must survive
    matchConditions:
      - name: asks-or-in-a-rules-namespace
        expression: >-
          (has(object.metadata.annotations) &&
          'vm-feature-manager.io/nested-virt' in object.metadata.annotations) ||
          request.namespace in ['default']
`;

describe("the rules namespaces in nested-virt's webhook", () => {
  it("should take the ConfigMap's keys, trimmed and sorted", () => {
    const rules = configMapObject("vm-feature-functions", "nested-virt-rules", {
      ci: "^runner-",
      " default ": "^vm-",
    });
    expect(rulesNamespaces([rules])).to.deep.equal(["ci", "default"]);
  });

  it("should rewrite only the namespace list, keeping comments and layout", () => {
    const rules = configMapObject("vm-feature-functions", "nested-virt-rules", {
      default: "^vm-",
      ci: "^runner-",
    });
    expect(syncRulesNamespaces([rules], WEBHOOKS)).to.equal(
      WEBHOOKS.replace("['default']", "['ci', 'default']"),
    );
  });

  it("should refuse a rules file without the ConfigMap, and a webhooks file without one list", () => {
    expect(() => syncRulesNamespaces([], WEBHOOKS)).to.throw(
      "no ConfigMap nested-virt-rules in the rules file",
    );
    const rules = configMapObject("vm-feature-functions", "nested-virt-rules", {});
    expect(() => syncRulesNamespaces([rules], "webhooks: []\n")).to.throw(
      'expected one "request.namespace in [...]" in the webhooks file, found 0',
    );
  });
});
