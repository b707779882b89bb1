import { expect } from "chai";
import { virtualMachine } from "../../test/helpers/review.ts";
import { readIntent, TRIGGER } from "./intent.ts";

describe("readIntent", () => {
  const cases: { given: string | undefined; want: ReturnType<typeof readIntent> }[] = [
    { given: undefined, want: { ask: "absent" } },
    ...["enabled", "TRUE", "Yes", "1", " enabled "].map((given) => ({
      given,
      want: { ask: "on" as const },
    })),
    ...["disabled", "False", "NO", "0"].map((given) => ({ given, want: { ask: "off" as const } })),
    { given: "vmx", want: { ask: "on", flag: "vmx" } },
    { given: "SVM", want: { ask: "on", flag: "svm" } },
  ];
  for (const tc of cases) {
    it(`should read ${JSON.stringify(tc.given)} as ${JSON.stringify(tc.want)}`, () => {
      const annotations = tc.given === undefined ? undefined : { [TRIGGER]: tc.given };
      expect(readIntent(virtualMachine(annotations ? { annotations } : {}))).to.deep.equal(tc.want);
    });
  }

  it("should name the annotation and the accepted values when the value is wrong", () => {
    expect(() => readIntent(virtualMachine({ annotations: { [TRIGGER]: "maybe" } })))
      .to.throw('"maybe" is not a value the annotation accepts')
      .with.property("field", 'metadata.annotations["vm-feature-manager.io/nested-virt"]');
  });
});
