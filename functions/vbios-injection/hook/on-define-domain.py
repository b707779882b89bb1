#!/usr/bin/env python3
"""onDefineDomain hook of vm-feature-functions' vbios-injection.

KubeVirt's sidecar-shim runs this program as `onDefineDomain --vmi <VMI JSON> --domain <domain
XML>` just before virt-launcher defines the libvirt domain, and uses what it prints on stdout as
the new domain XML. It reads the request the vbios-injection function left on the VMI (annotation
vm-feature-manager.io/vbios-rom: {"file": <ROM path>, "devices": [{"name", "alias"}]}) and gives
each named <hostdev> a <rom bar="on" file="..."/>, found by its alias (ua-gpu-<name>,
ua-hostdevice-<name>, or the ua-dra- forms).

Everything else in the XML is left byte for byte as it was, other hooks' changes and namespaced
elements included: the program only inserts text (or replaces an existing <rom> of a target).
A target that is missing, or not a PCI device, stops it with exit status 1 and a message on stderr,
which the shim logs in the hook-sidecar container. Standard library only: the stock sidecar-shim
image has python3 (3.9 or later) and nothing else to rely on.
"""

import argparse
import json
import sys
from xml.parsers import expat

ANNOTATION = "vm-feature-manager.io/vbios-rom"
PREFIX = "vbios-injection hook: "


class HookError(Exception):
    pass


def tag_end(data, start):
    """Index just past the '>' closing the tag that starts at data[start] ('<'), skipping quotes."""
    quote = None
    for i in range(start + 1, len(data)):
        char = data[i : i + 1]
        if quote:
            if char == quote:
                quote = None
        elif char in (b'"', b"'"):
            quote = char
        elif char == b">":
            return i + 1
    raise HookError("the domain XML ends inside a tag")


def leading_space(data, index):
    """The run of whitespace just before data[index]."""
    start = index
    while start > 0 and data[start - 1 : start] in (b" ", b"\t", b"\n", b"\r"):
        start -= 1
    return data[start:index]


class Hostdev:
    def __init__(self, start, kind):
        self.start = start
        self.kind = kind
        self.alias = None
        self.rom = None
        self.child_indent = b""
        self.close = None


def scan(data):
    """Every <hostdev> under <domain><devices>, with its alias, <rom> range and closing tag."""
    parser = expat.ParserCreate()
    path = []
    found = []
    open_tags = []

    def start(name, attrs):
        index = parser.CurrentByteIndex
        end = tag_end(data, index)
        open_tags.append((index, end, data[end - 2 : end] == b"/>"))
        path.append(name)
        if path == ["domain", "devices", "hostdev"]:
            found.append(Hostdev(index, attrs.get("type", "")))
        elif len(path) == 4 and path[:3] == ["domain", "devices", "hostdev"]:
            found[-1].child_indent = leading_space(data, index)
            if name == "alias":
                found[-1].alias = attrs.get("name")

    def end(name):
        index, open_end, empty = open_tags.pop()
        if path == ["domain", "devices", "hostdev"]:
            found[-1].close = parser.CurrentByteIndex
        elif len(path) == 4 and path[:3] == ["domain", "devices", "hostdev"] and name == "rom":
            found[-1].rom = (index, open_end if empty else tag_end(data, parser.CurrentByteIndex))
        path.pop()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise HookError("the domain XML is not well-formed (%s)" % error)
    return found


def quote_attr(value):
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace('"', "&quot;").encode("utf-8")


def inject(domain, rom_file, devices):
    """The domain XML with the ROM on each device; raises HookError when a target is missing."""
    data = domain.encode("utf-8", "surrogateescape")
    by_alias = {h.alias: h for h in scan(data) if h.alias}
    edits = []
    missing = []
    rom = b'<rom bar="on" file="' + quote_attr(rom_file) + b'"/>'
    seen = set()
    for device in devices:
        if device["alias"] in seen:
            continue
        seen.add(device["alias"])
        hostdev = by_alias.get(device["alias"])
        if hostdev is None:
            missing.append("%s (alias %s)" % (device["name"], device["alias"]))
        elif hostdev.kind != "pci":
            raise HookError(
                "device %s is a %s host device, not PCI: only a PCI device has an option ROM"
                % (device["name"], hostdev.kind or "typeless")
            )
        elif hostdev.rom:
            edits.append((hostdev.rom[0], hostdev.rom[1], rom))
        else:
            at = hostdev.close - len(leading_space(data, hostdev.close))
            edits.append((at, at, hostdev.child_indent + rom))
    if missing:
        present = ", ".join(sorted(by_alias)) or "none"
        raise HookError(
            "no <hostdev> in the domain XML for %s; hostdev aliases present: %s"
            % ("; ".join(missing), present)
        )
    for begin, finish, text in sorted(edits, reverse=True):
        data = data[:begin] + text + data[finish:]
    return data.decode("utf-8", "surrogateescape")


def request_of(vmi_json):
    """What the function asked for, from the VMI's annotation; None when it asks nothing."""
    try:
        vmi = json.loads(vmi_json)
    except ValueError as error:
        raise HookError("--vmi is not JSON (%s)" % error)
    raw = ((vmi.get("metadata") or {}).get("annotations") or {}).get(ANNOTATION)
    if raw is None:
        return None
    try:
        request = json.loads(raw)
        devices = [{"name": d["name"], "alias": d["alias"]} for d in request["devices"]]
        if not isinstance(request["file"], str) or not devices:
            raise ValueError("no file or no devices")
        return request["file"], devices
    except (ValueError, KeyError, TypeError) as error:
        raise HookError("annotation %s is not what vbios-injection writes (%s)" % (ANNOTATION, error))


def main(argv):
    parser = argparse.ArgumentParser(prog="onDefineDomain")
    parser.add_argument("--vmi", required=True)
    parser.add_argument("--domain", required=True)
    args = parser.parse_args(argv)
    try:
        request = request_of(args.vmi)
        if request is None:
            sys.stderr.write(PREFIX + "the VMI has no %s annotation; domain unchanged\n" % ANNOTATION)
            sys.stdout.write(args.domain)
            return 0
        sys.stdout.write(inject(args.domain, request[0], request[1]))
        names = ", ".join(d["name"] for d in request[1])
        sys.stderr.write(PREFIX + "ROM %s added to %s\n" % (request[0], names))
        return 0
    except HookError as error:
        sys.stderr.write(PREFIX + str(error) + "\n")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
