import { spawnSync } from "node:child_process";

/** An XML element as Python's ElementTree reads it: `{namespace}name` tags, attributes, children. */
export interface XmlElement {
  tag: string;
  attrs: Record<string, string>;
  text: string;
  children: XmlElement[];
}

// A parser independent of the hook's own (expat events and byte offsets): ElementTree's tree.
const TO_JSON = `
import json, sys, xml.etree.ElementTree as ET
def conv(e):
    return {"tag": e.tag, "attrs": dict(e.attrib), "text": (e.text or "").strip(), "children": [conv(c) for c in e]}
print(json.dumps(conv(ET.fromstring(sys.stdin.buffer.read()))))
`;

/** Parses a libvirt domain XML document; throws with the parser's message when it is not XML. */
export function parseXml(xml: string): XmlElement {
  const run = spawnSync("python3", ["-c", TO_JSON], { input: xml, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`not well-formed XML: ${run.stderr}`);
  return JSON.parse(run.stdout) as XmlElement;
}

export function child(element: XmlElement | undefined, tag: string): XmlElement | undefined {
  return element?.children.find((c) => c.tag === tag);
}

/** Each `<hostdev>` of the domain: its alias, its type and its `<rom>` attributes, if any. */
export function hostdevs(
  domain: XmlElement,
): { alias: string; type: string; rom?: Record<string, string> }[] {
  const devices = child(domain, "devices")?.children ?? [];
  return devices
    .filter((d) => d.tag === "hostdev")
    .map((h) => {
      const rom = child(h, "rom")?.attrs;
      return {
        alias: child(h, "alias")?.attrs["name"] ?? "",
        type: h.attrs["type"] ?? "",
        ...(rom ? { rom } : {}),
      };
    });
}
