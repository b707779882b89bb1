import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HostDevice, VirtualMachine } from "../../shared/kubevirt/types.ts";
import { child, hostdevs, parseXml } from "../../test/helpers/domain-xml.ts";
import { virtualMachine } from "../../test/helpers/review.ts";
import { resolveTargets } from "./devices.ts";
import { HOOK_KEY, HOOK_PROGRAM } from "./hook-program.ts";
import { injectRom, ROM_ANNOTATION, ROM_FILE } from "./mutation.ts";

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const ONE_GPU = fixture("domain-one-gpu.xml");
const SEVERAL = fixture("domain-several-hostdevs.xml");
const ROM = `<rom bar="on" file="${ROM_FILE}"/>`;

// The ConfigMap's content, installed as KubeVirt installs it in the sidecar (mode 0755, under the
// name onDefineDomain) and found through PATH, as the shim's exec.LookPath finds it.
const BIN = mkdtempSync(join(tmpdir(), "vbios-hook-"));
writeFileSync(join(BIN, HOOK_KEY), HOOK_PROGRAM);
chmodSync(join(BIN, HOOK_KEY), 0o755);

interface HookRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the hook exactly as sidecar-shim does: `onDefineDomain --vmi <json> --domain <xml>`. */
function runHook(vmi: unknown, domain: string, args?: string[]): HookRun {
  const run = spawnSync(
    HOOK_KEY,
    args ?? ["--vmi", typeof vmi === "string" ? vmi : JSON.stringify(vmi), "--domain", domain],
    { encoding: "utf8", env: { PATH: `${BIN}:${process.env["PATH"] ?? ""}` } },
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const GPUS: HostDevice[] = [
  { name: "igpu", deviceName: "amd.com/RAPHAEL_IGPU" },
  { name: "dgpu", deviceName: "amd.com/NAVI31" },
  { name: "vgpu", deviceName: "nvidia.com/GRID_A100-4C" },
];
const HOST_DEVICES: HostDevice[] = [
  { name: "hdmi-audio", deviceName: "amd.com/RAPHAEL_HDMI_AUDIO" },
  { name: "mouse", deviceName: "kubevirt.io/usb-mouse" },
  { name: "nic-with-rom", deviceName: "intel.com/X710" },
];

/** The VMI virt-launcher hands the hook: the VM's template after vbios-injection changed it. */
function vmiFor(
  targets: string[],
  devices: { gpus: HostDevice[]; hostDevices: HostDevice[] } = {
    gpus: GPUS,
    hostDevices: HOST_DEVICES,
  },
): unknown {
  const vm = virtualMachine({
    annotations: { "vm-feature-manager.io/vbios-target": targets.join(",") },
    vmiSpec: { domain: { devices } },
  });
  const resolved = resolveTargets(vm, { configMap: "rom", targets });
  if (!("targets" in resolved)) throw new Error("targets not resolved");
  const template = injectRom(vm, { configMap: "rom", targets: resolved.targets }).spec?.template;
  return {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachineInstance",
    metadata: { ...template?.metadata, name: "win11", namespace: "gaming" },
    spec: template?.spec,
  };
}

/** `xml` with the ROM line inserted after the alias line of `alias`'s hostdev, tab-indented. */
function withRom(xml: string, alias: string): string {
  const line = `\t\t\t<alias name="${alias}"></alias>\n`;
  expect(xml).to.include(line);
  return xml.replace(line, `${line}\t\t\t${ROM}\n`);
}

describe("the onDefineDomain hook program", () => {
  const cases: {
    name: string;
    domain: string;
    targets: string[];
    want: (xml: string) => string;
  }[] = [
    {
      name: "the only GPU of the domain",
      domain: ONE_GPU,
      targets: ["igpu"],
      want: (xml) => withRom(xml, "ua-gpu-igpu"),
    },
    {
      name: "one GPU among several hostdevs, with other hooks' changes present",
      domain: SEVERAL,
      targets: ["igpu"],
      want: (xml) => withRom(xml, "ua-gpu-igpu"),
    },
    {
      name: "a hostDevices entry, by its ua-hostdevice- alias",
      domain: SEVERAL,
      targets: ["hdmi-audio"],
      want: (xml) => withRom(xml, "ua-hostdevice-hdmi-audio"),
    },
    {
      name: "several targets",
      domain: SEVERAL,
      targets: ["dgpu", "igpu"],
      want: (xml) => withRom(withRom(xml, "ua-gpu-igpu"), "ua-gpu-dgpu"),
    },
    {
      name: "a target that already has a <rom>, which is replaced",
      domain: SEVERAL,
      targets: ["nic-with-rom"],
      want: (xml) => xml.replace('<rom bar="off"/>', ROM),
    },
  ];
  for (const tc of cases) {
    it(`should give the ROM to ${tc.name} and change nothing else`, () => {
      const run = runHook(vmiFor(tc.targets), tc.domain);
      expect(run.stderr).to.equal(
        `vbios-injection hook: ROM ${ROM_FILE} added to ${tc.targets.join(", ")}\n`,
      );
      expect(run.status).to.equal(0);
      expect(run.stdout).to.equal(tc.want(tc.domain));
    });
  }

  it("should print XML whose parsed hostdevs carry the ROM exactly where asked", () => {
    const run = runHook(vmiFor(["igpu", "hdmi-audio"]), SEVERAL);
    const rom = { bar: "on", file: "/var/run/kubevirt-private/config-map/vbios-rom/rom" };
    expect(hostdevs(parseXml(run.stdout))).to.deep.equal([
      { alias: "ua-gpu-igpu", type: "pci", rom },
      { alias: "ua-hostdevice-hdmi-audio", type: "pci", rom },
      { alias: "ua-gpu-dgpu", type: "pci" },
      { alias: "ua-sriov-sriov-net", type: "pci" },
      { alias: "ua-gpu-vgpu", type: "mdev" },
      { alias: "ua-hostdevice-mouse", type: "usb" },
      { alias: "ua-hostdevice-nic-with-rom", type: "pci", rom: { bar: "off" } },
    ]);
  });

  it("should keep other hooks' namespaced elements and KubeVirt's metadata as they were", () => {
    const domain = parseXml(runHook(vmiFor(["igpu"]), SEVERAL).stdout);
    const commandline = child(domain, "{http://libvirt.org/schemas/domain/qemu/1.0}commandline");
    expect(commandline?.children.map((c) => c.attrs["value"])).to.deep.equal([
      "-fw_cfg",
      "name=opt/com.example/config,string=a&b > c",
    ]);
    const baseBoard = child(child(domain, "sysinfo"), "baseBoard");
    expect(baseBoard?.children).to.deep.equal([
      { tag: "entry", attrs: { name: "manufacturer" }, text: "Radical Edward", children: [] },
    ]);
    expect(child(child(domain, "metadata"), "{http://kubevirt.io}kubevirt")).to.not.equal(
      undefined,
    );
  });

  it("should give the same XML when run on its own output", () => {
    const once = runHook(vmiFor(["igpu"]), SEVERAL).stdout;
    expect(runHook(vmiFor(["igpu"]), once).stdout).to.equal(once);
  });

  it("should use the DRA alias of a GPU backed by a resource claim", () => {
    const dra = [{ name: "igpu", claimName: "igpu-claim", requestName: "gpu" }];
    const domain = ONE_GPU.replace("ua-gpu-igpu", "ua-dra-gpu-igpu");
    const run = runHook(vmiFor(["igpu"], { gpus: dra, hostDevices: [] }), domain);
    expect(run.stdout).to.equal(withRom(domain, "ua-dra-gpu-igpu"));
  });

  const failures: { name: string; vmi: unknown; domain: string; stderr: string }[] = [
    {
      name: "a target missing from the domain",
      vmi: vmiFor(["dgpu"]),
      domain: ONE_GPU,
      stderr:
        "no <hostdev> in the domain XML for dgpu (alias ua-gpu-dgpu); hostdev aliases present: ua-gpu-igpu",
    },
    {
      name: "a mediated (vGPU) target",
      vmi: vmiFor(["vgpu"]),
      domain: SEVERAL,
      stderr: "device vgpu is a mdev host device, not PCI: only a PCI device has an option ROM",
    },
    {
      name: "a USB target",
      vmi: vmiFor(["mouse"]),
      domain: SEVERAL,
      stderr: "device mouse is a usb host device, not PCI: only a PCI device has an option ROM",
    },
    {
      name: "a domain that is not XML",
      vmi: vmiFor(["igpu"]),
      domain: "<domain><devices>",
      stderr: "the domain XML is not well-formed (no element found: line 1, column 17)",
    },
    {
      name: "an annotation that vbios-injection did not write",
      vmi: { metadata: { annotations: { [ROM_ANNOTATION]: '{"file": 7}' } } },
      domain: ONE_GPU,
      stderr:
        "annotation vm-feature-manager.io/vbios-rom is not what vbios-injection writes ('devices')",
    },
  ];
  for (const tc of failures) {
    it(`should exit 1 with a message and print no XML for ${tc.name}`, () => {
      const run = runHook(tc.vmi, tc.domain);
      expect([run.status, run.stdout, run.stderr]).to.deep.equal([
        1,
        "",
        `vbios-injection hook: ${tc.stderr}\n`,
      ]);
    });
  }

  it("should print the domain unchanged for a VMI that asks for no ROM", () => {
    const vm: VirtualMachine = virtualMachine();
    const run = runHook({ metadata: vm.spec?.template?.metadata, spec: {} }, ONE_GPU);
    expect([run.status, run.stdout]).to.deep.equal([0, ONE_GPU]);
    expect(run.stderr).to.equal(
      "vbios-injection hook: the VMI has no vm-feature-manager.io/vbios-rom annotation; domain unchanged\n",
    );
  });

  it("should refuse to run without --vmi and --domain", () => {
    const run = runHook(undefined, "", ["--version", "v1alpha2"]);
    expect(run.status).to.equal(2);
    expect(run.stderr).to.match(/^usage: onDefineDomain \[-h\] --vmi VMI --domain DOMAIN\n/);
  });
});
