import { FeatureError } from "../../shared/basics/errors.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { Absent } from "../../shared/kube/reader.ts";
import { derivedPerRead } from "../../shared/kube/derived.ts";
import { ABSENT } from "../../shared/kube/reader.ts";
import { TRIGGER } from "./intent.ts";

/** The key of the ROM ConfigMap's binaryData that holds the ROM. */
export const ROM_KEY = "rom";
/** Larger than any video BIOS; a ConfigMap cannot hold even 1 MiB anyway. */
export const MAX_ROM_BYTES = 16 * 1024 * 1024;

/**
 * What the checks need of the ROM ConfigMap: its keys, and the ROM's size and first bytes. The
 * view keeps this much rather than the ROM itself.
 */
export type RomFacts =
  | { state: "absent" }
  | {
      state: "present";
      dataKeys: string[];
      binaryKeys: string[];
      rom?: { size: number; head: number[] };
    };

export function romFacts(configMap: KubeObject | Absent): RomFacts {
  return configMap === ABSENT ? { state: "absent" } : factsOf(configMap);
}

const factsOf = derivedPerRead((configMap: KubeObject): RomFacts => {
  const data = (configMap["data"] ?? {}) as Record<string, string>;
  const binary = (configMap["binaryData"] ?? {}) as Record<string, string>;
  const facts: RomFacts = {
    state: "present",
    dataKeys: Object.keys(data).sort(),
    binaryKeys: Object.keys(binary).sort(),
  };
  const encoded = binary[ROM_KEY];
  // Counted and peeked at, not decoded: every review reads these facts, and a video BIOS is
  // 64-256 KiB (the API server keeps binaryData valid base64, so the count is exact).
  if (typeof encoded === "string") {
    const head = Buffer.from(encoded.slice(0, 4), "base64");
    facts.rom = { size: Buffer.byteLength(encoded, "base64"), head: [...head.subarray(0, 2)] };
  }
  return facts;
});

const hex = (bytes: readonly number[]): string =>
  bytes.map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(" ");

/** The ROM's size; a missing ConfigMap, a misplaced key or an implausible ROM is a FeatureError. */
export function checkRom(facts: RomFacts, namespace: string, name: string): number {
  const where = `ConfigMap ${namespace}/${name}`;
  const recreate = `kubectl create configmap ${name} -n ${namespace} --from-file=${ROM_KEY}=<vbios.rom> (kubectl puts a binary file under binaryData)`;
  if (facts.state === "absent") {
    throw new FeatureError(`${where}, named by the annotation, does not exist`, {
      field: `metadata.annotations["${TRIGGER}"]`,
      fix: `create it: ${recreate}`,
    });
  }
  const field = `${where} binaryData.${ROM_KEY}`;
  if (!facts.rom) {
    const inData = facts.dataKeys.includes(ROM_KEY);
    const keys = [...facts.binaryKeys, ...facts.dataKeys];
    throw new FeatureError(
      inData
        ? `${where} holds "${ROM_KEY}" under data, as text; a ROM is binary and belongs under binaryData`
        : `${where} has no key "${ROM_KEY}" in binaryData (its keys: ${keys.join(", ") || "none"})`,
      { field, fix: `recreate it with the ROM under binaryData.${ROM_KEY}: ${recreate}` },
    );
  }
  const { size, head } = facts.rom;
  const redump =
    "dump the ROM again: from /sys/bus/pci/devices/<address>/rom on the host, or, for an AMD iGPU, extract the VBIOS from the system firmware image";
  if (size === 0) throw new FeatureError(`the ROM in ${where} is empty`, { field, fix: redump });
  if (size > MAX_ROM_BYTES) {
    throw new FeatureError(`the ROM in ${where} is ${size} bytes, more than 16 MiB`, {
      field,
      fix: redump,
    });
  }
  if (head[0] !== 0x55 || head[1] !== 0xaa) {
    throw new FeatureError(
      `the ROM in ${where} does not start with the PCI option ROM signature 55 AA (it starts with ${hex(head)})`,
      { field, fix: redump },
    );
  }
  return size;
}
