import { expect } from "chai";
import { HOOK_ENTRY as OURS } from "./fixtures/cluster.ts";
import { ourSidecar, withOurSidecar } from "./hook-sidecars.ts";

const SMBIOS = {
  image: "registry.example/smbios-hook:v1",
  imagePullPolicy: "IfNotPresent",
  args: ["--version", "v1alpha2"],
};
const OTHER_SCRIPT = {
  args: ["--version", "v1alpha3"],
  configMap: { name: "my-hook", key: "hook.sh", hookPath: "/usr/bin/onDefineDomain" },
};

describe("vbios-injection hook sidecar entry", () => {
  it("should leave image out so KubeVirt runs its own sidecar-shim", () => {
    expect(ourSidecar(undefined)).to.deep.equal(OURS);
    expect(ourSidecar("mirror.example/sidecar-shim:v1.9.0")).to.deep.equal({
      image: "mirror.example/sidecar-shim:v1.9.0",
      ...OURS,
    });
  });

  const cases: { name: string; given: string | undefined; want: unknown[] }[] = [
    { name: "no annotation yet", given: undefined, want: [OURS] },
    { name: "an empty annotation", given: " ", want: [OURS] },
    {
      name: "other hooks, kept in their order with ours last",
      given: JSON.stringify([SMBIOS, OTHER_SCRIPT]),
      want: [SMBIOS, OTHER_SCRIPT, OURS],
    },
    {
      name: "an outdated entry of ours, replaced where it is",
      given: JSON.stringify([{ ...OURS, image: "old" }, SMBIOS]),
      want: [OURS, SMBIOS],
    },
    {
      name: "ours twice, made once",
      given: JSON.stringify([OURS, SMBIOS, OURS]),
      want: [OURS, SMBIOS],
    },
  ];
  for (const tc of cases) {
    it(`should add ours to ${tc.name}`, () => {
      expect(JSON.parse(withOurSidecar(tc.given, ourSidecar(undefined)))).to.deep.equal(tc.want);
    });
  }

  it("should return the annotation's own text when ours is already right", () => {
    const written = `[\n  ${JSON.stringify(SMBIOS)},\n  ${JSON.stringify(OURS)}\n]`;
    expect(withOurSidecar(written, ourSidecar(undefined))).to.equal(written);
  });

  const invalid: { given: string; what: string }[] = [
    {
      given: "{not json",
      what: "is not JSON (Expected property name or '}' in JSON at position 1 (line 1 column 2))",
    },
    { given: JSON.stringify(SMBIOS), what: "is not a JSON array" },
    { given: "[1]", what: "holds an entry that is not an object" },
  ];
  for (const tc of invalid) {
    it(`should refuse an annotation that ${tc.what.split(" (")[0]}`, () => {
      expect(() => withOurSidecar(tc.given, ourSidecar(undefined)))
        .to.throw(`the VM's hooks.kubevirt.io/hookSidecars annotation ${tc.what}`)
        .that.deep.includes({
          field: 'spec.template.metadata.annotations["hooks.kubevirt.io/hookSidecars"]',
          fix: "make it a JSON array of hook sidecar objects, as KubeVirt reads it (or remove it)",
        });
    });
  }
});
