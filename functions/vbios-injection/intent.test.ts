import { expect } from "chai";
import { virtualMachine } from "../../test/helpers/review.ts";
import type { Intent } from "./intent.ts";
import { readIntent, SIDECAR_IMAGE, TARGET, TRIGGER } from "./intent.ts";

const read = (annotations: Record<string, string>, sidecarImage?: string): Intent | undefined =>
  readIntent(virtualMachine({ annotations }), "gaming", sidecarImage ? { sidecarImage } : {});

describe("vbios-injection readIntent", () => {
  const cases: { name: string; given: Record<string, string>; env?: string; want: Intent }[] = [
    {
      name: "a ConfigMap name alone",
      given: { [TRIGGER]: " phoenix-vbios " },
      want: { configMap: "phoenix-vbios" },
    },
    {
      name: "a dotted name and one target",
      given: { [TRIGGER]: "rom.v1", [TARGET]: "igpu" },
      want: { configMap: "rom.v1", targets: ["igpu"] },
    },
    {
      name: "several targets, spaces and duplicates dropped",
      given: { [TRIGGER]: "rom", [TARGET]: "igpu, dgpu,igpu," },
      want: { configMap: "rom", targets: ["igpu", "dgpu"] },
    },
    {
      name: "the image from VBIOS_SIDECAR_IMAGE",
      given: { [TRIGGER]: "rom" },
      env: "registry.example/shim:v1.9.0",
      want: { configMap: "rom", image: "registry.example/shim:v1.9.0" },
    },
    {
      name: "the annotation's image before VBIOS_SIDECAR_IMAGE",
      given: { [TRIGGER]: "rom", [SIDECAR_IMAGE]: "mirror.example/sidecar-shim:v1.9.0" },
      env: "registry.example/shim:v1.9.0",
      want: { configMap: "rom", image: "mirror.example/sidecar-shim:v1.9.0" },
    },
  ];
  it("should read no intent from a VM without the annotation", () => {
    expect(read({ [TARGET]: "igpu" })).to.equal(undefined);
  });

  for (const tc of cases) {
    it(`should read ${tc.name}`, () => {
      expect(read(tc.given, tc.env)).to.deep.equal(tc.want);
    });
  }

  const errors: { name: string; given: Record<string, string>; message: string; fix: string }[] = [
    {
      name: "a name in another namespace",
      given: { [TRIGGER]: "firmware/phoenix" },
      message:
        '"firmware/phoenix" names another namespace; the ROM is only read from the VM\'s own namespace',
      fix: "put the ROM ConfigMap in namespace gaming and give its name alone",
    },
    {
      name: "an empty value",
      given: { [TRIGGER]: "" },
      message: '"" is not a ConfigMap name',
      fix: "set it to the name of the ConfigMap in namespace gaming that holds the ROM under binaryData.rom",
    },
    {
      name: "upper case",
      given: { [TRIGGER]: "Phoenix_ROM" },
      message: '"Phoenix_ROM" is not a ConfigMap name',
      fix: "set it to the name of the ConfigMap in namespace gaming that holds the ROM under binaryData.rom",
    },
    {
      name: "the hook ConfigMap's name",
      given: { [TRIGGER]: "vbios-injection-hook" },
      message: '"vbios-injection-hook" is the name of the ConfigMap that holds the hook program',
      fix: "keep the ROM in a ConfigMap of another name",
    },
    {
      name: "a target list with nothing in it",
      given: { [TRIGGER]: "rom", [TARGET]: " , " },
      message: "the annotation names no device",
      fix: "set it to the name of a gpus[] or hostDevices[] entry (several: comma-separated), or remove it to use the VM's only device",
    },
    {
      name: "a target with a space inside",
      given: { [TRIGGER]: "rom", [TARGET]: "my gpu" },
      message: '"my gpu" is not a device name',
      fix: "set it to the name of a gpus[] or hostDevices[] entry (several: comma-separated), or remove it to use the VM's only device",
    },
    {
      name: "an empty image",
      given: { [TRIGGER]: "rom", [SIDECAR_IMAGE]: " " },
      message: '" " is not an image reference',
      fix: "name an image that runs KubeVirt's sidecar-shim (with python3), or remove the annotation to use KubeVirt's own",
    },
  ];
  for (const tc of errors) {
    it(`should refuse ${tc.name}, naming the fix`, () => {
      let caught: unknown;
      try {
        read(tc.given);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(Error);
      expect([(caught as Error).message, (caught as { fix?: string }).fix]).to.deep.equal([
        tc.message,
        tc.fix,
      ]);
    });
  }
});
