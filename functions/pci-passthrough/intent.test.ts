import { expect } from "chai";
import { FeatureError } from "../../shared/basics/errors.ts";
import { thrown } from "../../test/helpers/errors.ts";
import { virtualMachine } from "../../test/helpers/review.ts";
import type { Entry } from "./intent.ts";
import { readIntent, TRIGGER } from "./intent.ts";

const FIELD = 'metadata.annotations["vm-feature-manager.io/pci-passthrough"]';
const FORMS =
  "a PCI address DDDD:BB:DD.F (0000:65:00.0) or a resource name vendor.com/MODEL: a lower-case DNS domain, a slash, then up to 63 letters, digits, '-', '_' or '.' that start and end with a letter or digit";
const JSON_FIX = `write {"devices": ["0000:65:00.0", "nvidia.com/GA102GL_A10"]}, or a comma-separated list; each entry ${FORMS}`;

const read = (value: string | undefined, max = 8): ReturnType<typeof readIntent> =>
  readIntent(virtualMachine(value === undefined ? {} : { annotations: { [TRIGGER]: value } }), max);

const address = (a: string): Entry => ({ kind: "address", address: a });
const resource = (r: string): Entry => ({ kind: "resource", resourceName: r });

describe("pci-passthrough readIntent", () => {
  it("should find nothing to do without the annotation", () => {
    expect(read(undefined)).to.deep.equal({ ask: "absent" });
  });

  const good: { name: string; value: string; entries: Entry[] }[] = [
    { name: "one address", value: "0000:65:00.0", entries: [address("0000:65:00.0")] },
    {
      name: "an address in upper case, lower-cased",
      value: " 0000:CA:1F.7 ",
      entries: [address("0000:ca:1f.7")],
    },
    {
      name: "a comma-separated list of both kinds",
      value: "0000:65:00.0, nvidia.com/GA102GL_A10 ,0001:00:02.0",
      entries: [
        address("0000:65:00.0"),
        resource("nvidia.com/GA102GL_A10"),
        address("0001:00:02.0"),
      ],
    },
    {
      name: "the JSON form",
      value: '{"devices": ["0000:65:00.0", "intel.com/X710_VF"]}',
      entries: [address("0000:65:00.0"), resource("intel.com/X710_VF")],
    },
  ];
  for (const tc of good) {
    it(`should read ${tc.name}`, () => {
      expect(read(tc.value)).to.deep.equal({ ask: "attach", entries: tc.entries });
    });
  }

  const bad: { name: string; value: string; max?: number; message: string; fix: string }[] = [
    {
      name: "an empty value",
      value: "  ",
      message: "the annotation is empty",
      fix: `list at least one device: ${FORMS}`,
    },
    {
      name: "an empty entry in a list",
      value: "0000:65:00.0,,0000:ca:00.0",
      message: "the annotation entry 2 is empty",
      fix: "remove the extra comma, or name a device there",
    },
    {
      name: "broken JSON",
      value: '{"devices": [}',
      message: `the annotation is not valid JSON (${jsonError('{"devices": [}')})`,
      fix: JSON_FIX,
    },
    {
      name: "JSON without a devices list",
      value: '{"device": "0000:65:00.0"}',
      message: 'the annotation must be {"devices": [...]} with a list of strings',
      fix: JSON_FIX,
    },
    {
      name: "JSON with a non-string device",
      value: '{"devices": [1]}',
      message: 'the annotation must be {"devices": [...]} with a list of strings',
      fix: JSON_FIX,
    },
    {
      name: "an empty JSON list",
      value: '{"devices": []}',
      message: "the annotation lists no devices",
      fix: JSON_FIX,
    },
    {
      name: "an address without its domain",
      value: "65:00.0",
      message: 'the annotation "65:00.0" has no PCI domain',
      fix: "write it with its domain, 0000:65:00.0 (lspci -D prints it)",
    },
    {
      name: "a device number above 1f",
      value: "0000:65:20.0",
      message: 'the annotation "0000:65:20.0" is out of range (device 00-1f, function 0-7)',
      fix: `write ${FORMS}`,
    },
    {
      name: "a function above 7",
      value: "0000:65:00.8",
      message: 'the annotation "0000:65:00.8" is out of range (device 00-1f, function 0-7)',
      fix: `write ${FORMS}`,
    },
    {
      name: "a libvirt node-device name, as older tools wrote",
      value: "pci_0000_00_02_0",
      message:
        'the annotation "pci_0000_00_02_0" is a libvirt node-device name, which KubeVirt does not accept',
      fix: "write the address as 0000:00:02.0",
    },
    {
      name: "a word",
      value: "gpu",
      message: 'the annotation "gpu" is neither a PCI address nor a resource name',
      fix: `write ${FORMS}`,
    },
    {
      name: "a bad resource name in a list, by position",
      value: "0000:65:00.0,NVIDIA.com/A10",
      message:
        'the annotation entry 2 "NVIDIA.com" in "NVIDIA.com/A10" is not a lower-case DNS domain',
      fix: "write the resource as vendor.com/MODEL: a lower-case DNS domain, a slash, then up to 63 letters, digits, '-', '_' or '.' that start and end with a letter or digit",
    },
    {
      name: "the same address twice in different case",
      value: "0000:ca:00.0,0000:CA:00.0",
      message: "the annotation lists 0000:ca:00.0 twice",
      fix: "list 0000:ca:00.0 once",
    },
    {
      name: "more devices than PCI_MAX_DEVICES",
      value: "0000:01:00.0,0000:02:00.0,0000:03:00.0",
      max: 2,
      message: "the annotation asks for 3 devices, more than the 2 allowed per VM",
      fix: "split the devices across VMs, or raise PCI_MAX_DEVICES in the function's settings",
    },
  ];
  for (const tc of bad) {
    it(`should refuse ${tc.name}, naming the field and the fix`, () => {
      const error = thrown(FeatureError, () => read(tc.value, tc.max));
      expect({ message: error.message, field: error.field, fix: error.fix }).to.deep.equal({
        message: tc.message,
        field: FIELD,
        fix: tc.fix,
      });
    });
  }
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  return "";
}
