import { expect } from "chai";
import { matchingRule, parseRules, problemsFor } from "./rules.ts";

describe("rules", () => {
  const rules = parseRules(
    { default: "^vm-.*, ^test-.*,", lab: "db", broken: "^ok-,([", spaced: " " },
    "ConfigMap x/y",
  );

  const cases = [
    { namespace: "default", name: "vm-a", want: "^vm-.*" },
    { namespace: "default", name: "test-b", want: "^test-.*" },
    { namespace: "default", name: "my-vm-a", want: undefined },
    { namespace: "lab", name: "main-db-2", want: "db" },
    { namespace: "broken", name: "ok-1", want: "^ok-" },
    { namespace: "other", name: "vm-a", want: undefined },
    { namespace: "spaced", name: "anything", want: undefined },
  ];
  for (const tc of cases) {
    it(`should match ${tc.namespace}/${tc.name} to ${tc.want ?? "nothing"}, anchored only as written`, () => {
      expect(matchingRule(rules, tc.namespace, tc.name)?.source).to.equal(tc.want);
    });
  }

  it("should report an invalid expression for its namespace and keep the valid ones", () => {
    expect(rules.problems).to.have.length(1);
    expect(rules.problems[0]).to.match(
      /^ConfigMap x\/y key "broken": "\(\[" is not a valid regular expression \(.+\); fix or remove it$/,
    );
    expect(problemsFor(rules, "broken")).to.deep.equal(rules.problems);
    expect(problemsFor(rules, "default")).to.deep.equal([]);
  });
});
