import { expect } from "chai";
import { romBytes, romConfigMap } from "./fixtures/cluster.ts";
import type { RomFacts } from "./rom.ts";
import { checkRom, MAX_ROM_BYTES, romFacts } from "./rom.ts";

const facts = (content: Parameters<typeof romConfigMap>[2]): RomFacts =>
  romFacts(romConfigMap("gaming", "phoenix-vbios", content));

const RECREATE =
  "kubectl create configmap phoenix-vbios -n gaming --from-file=rom=<vbios.rom> (kubectl puts a binary file under binaryData)";
const REDUMP =
  "dump the ROM again: from /sys/bus/pci/devices/<address>/rom on the host, or, for an AMD iGPU, extract the VBIOS from the system firmware image";
const FIELD = "ConfigMap gaming/phoenix-vbios binaryData.rom";

describe("vbios-injection ROM checks", () => {
  it("should keep the keys, the size and the first bytes, not the ROM", () => {
    expect(facts({ binaryData: { rom: romBytes(65536) }, data: { note: "x" } })).to.deep.equal({
      state: "present",
      dataKeys: ["note"],
      binaryKeys: ["rom"],
      rom: { size: 65536, head: [0x55, 0xaa] },
    });
  });

  it("should give every size and head as decoding would, padded or not, one byte and none", () => {
    for (const size of [0, 1, 2, 3, 4, 5, 511, 512, 513, 131072 + 1]) {
      const bytes = Buffer.alloc(size, 0x11);
      if (size > 0) bytes[0] = 0x55;
      if (size > 1) bytes[1] = 0xaa;
      const found = facts({ binaryData: { rom: bytes } });
      expect(found.state === "present" ? found.rom : undefined, `${size} bytes`).to.deep.equal({
        size,
        head: [...bytes.subarray(0, 2)],
      });
    }
  });

  it("should accept a ROM with the option ROM signature and give its size", () => {
    expect(
      checkRom(facts({ binaryData: { rom: romBytes(1024) } }), "gaming", "phoenix-vbios"),
    ).to.equal(1024);
  });

  it("should accept a ROM of exactly 16 MiB", () => {
    const big: RomFacts = {
      state: "present",
      dataKeys: [],
      binaryKeys: ["rom"],
      rom: { size: MAX_ROM_BYTES, head: [0x55, 0xaa] },
    };
    expect(checkRom(big, "gaming", "phoenix-vbios")).to.equal(MAX_ROM_BYTES);
  });

  const cases: { name: string; given: RomFacts; message: string; field: string; fix: string }[] = [
    {
      name: "a ConfigMap that does not exist",
      given: { state: "absent" },
      message: "ConfigMap gaming/phoenix-vbios, named by the annotation, does not exist",
      field: 'metadata.annotations["vm-feature-manager.io/vbios-injection"]',
      fix: `create it: ${RECREATE}`,
    },
    {
      name: "the ROM as base64 text under data",
      given: facts({ data: { rom: romBytes().toString("base64") } }),
      message:
        'ConfigMap gaming/phoenix-vbios holds "rom" under data, as text; a ROM is binary and belongs under binaryData',
      field: FIELD,
      fix: `recreate it with the ROM under binaryData.rom: ${RECREATE}`,
    },
    {
      name: "the ROM under another key",
      given: facts({ binaryData: { "vbios.rom": romBytes() } }),
      message:
        'ConfigMap gaming/phoenix-vbios has no key "rom" in binaryData (its keys: vbios.rom)',
      field: FIELD,
      fix: `recreate it with the ROM under binaryData.rom: ${RECREATE}`,
    },
    {
      name: "an empty ConfigMap",
      given: facts({}),
      message: 'ConfigMap gaming/phoenix-vbios has no key "rom" in binaryData (its keys: none)',
      field: FIELD,
      fix: `recreate it with the ROM under binaryData.rom: ${RECREATE}`,
    },
    {
      name: "an empty ROM",
      given: facts({ binaryData: { rom: Buffer.alloc(0) } }),
      message: "the ROM in ConfigMap gaming/phoenix-vbios is empty",
      field: FIELD,
      fix: REDUMP,
    },
    {
      name: "a ROM over 16 MiB",
      given: {
        state: "present",
        dataKeys: [],
        binaryKeys: ["rom"],
        rom: { size: MAX_ROM_BYTES + 1, head: [0x55, 0xaa] },
      },
      message: "the ROM in ConfigMap gaming/phoenix-vbios is 16777217 bytes, more than 16 MiB",
      field: FIELD,
      fix: REDUMP,
    },
    {
      name: "a file that is no option ROM",
      given: facts({ binaryData: { rom: Buffer.from("MZ\x90\x00 not a rom", "latin1") } }),
      message:
        "the ROM in ConfigMap gaming/phoenix-vbios does not start with the PCI option ROM signature 55 AA (it starts with 4D 5A)",
      field: FIELD,
      fix: REDUMP,
    },
    {
      name: "a one-byte ROM",
      given: facts({ binaryData: { rom: Buffer.from([0x55]) } }),
      message:
        "the ROM in ConfigMap gaming/phoenix-vbios does not start with the PCI option ROM signature 55 AA (it starts with 55)",
      field: FIELD,
      fix: REDUMP,
    },
  ];
  for (const tc of cases) {
    it(`should refuse ${tc.name}`, () => {
      expect(() => checkRom(tc.given, "gaming", "phoenix-vbios"))
        .to.throw(tc.message)
        .that.deep.includes({ message: tc.message, field: tc.field, fix: tc.fix });
    });
  }
});
