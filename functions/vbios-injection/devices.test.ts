import { expect } from "chai";
import type { HostDevice } from "../../shared/kubevirt/types.ts";
import type { Resolution, Target } from "./devices.ts";
import { resolveTargets } from "./devices.ts";
import { AUDIO, IGPU, romVm } from "./fixtures/cluster.ts";

const TARGET = "vm-feature-manager.io/vbios-target";
const igpu: Target = {
  name: "igpu",
  kind: "gpu",
  alias: "ua-gpu-igpu",
  deviceName: "amd.com/PHOENIX_IGPU",
};
const audio: Target = {
  name: "hdmi-audio",
  kind: "hostDevice",
  alias: "ua-hostdevice-hdmi-audio",
  deviceName: "amd.com/PHOENIX_HDMI_AUDIO",
};

function resolve(
  annotations: Record<string, string>,
  devices: { gpus?: HostDevice[]; hostDevices?: HostDevice[] },
): Resolution {
  const vm = romVm(annotations, devices);
  const targets = annotations[TARGET]?.split(",");
  return resolveTargets(vm, { configMap: "phoenix-vbios", ...(targets ? { targets } : {}) });
}

describe("vbios-injection resolveTargets", () => {
  const cases: {
    name: string;
    annotations?: Record<string, string>;
    devices: { gpus?: HostDevice[]; hostDevices?: HostDevice[] };
    want: Resolution;
  }[] = [
    { name: "the only GPU", devices: { gpus: [IGPU] }, want: { targets: [igpu] } },
    { name: "the only host device", devices: { hostDevices: [AUDIO] }, want: { targets: [audio] } },
    {
      name: "the named one of several",
      annotations: { [TARGET]: "hdmi-audio" },
      devices: { gpus: [IGPU], hostDevices: [AUDIO] },
      want: { targets: [audio] },
    },
    {
      name: "several named ones, in the annotation's order",
      annotations: { [TARGET]: "hdmi-audio,igpu" },
      devices: { gpus: [IGPU], hostDevices: [AUDIO] },
      want: { targets: [audio, igpu] },
    },
    {
      name: "a DRA-backed GPU, by its dra- alias",
      devices: { gpus: [{ name: "igpu", claimName: "c", requestName: "r" }] },
      want: { targets: [{ name: "igpu", kind: "gpu", alias: "ua-dra-gpu-igpu" }] },
    },
    {
      name: "nothing yet while pci-passthrough has not run",
      annotations: { "vm-feature-manager.io/pci-passthrough": "0000:03:00.0" },
      devices: {},
      want: {
        wait: "no ROM injected yet: waiting for pci-passthrough to add the device (this function runs again when it does)",
      },
    },
    {
      name: "nothing yet while gpu-device-plugin has not run, even with a device already there",
      annotations: { "vm-feature-manager.io/gpu-device-plugin": "amd.com/PHOENIX_IGPU" },
      devices: { hostDevices: [AUDIO] },
      want: {
        wait: "no ROM injected yet: waiting for gpu-device-plugin to add the device (this function runs again when it does)",
      },
    },
    {
      name: "the named device once pci-passthrough has added it",
      annotations: {
        [TARGET]: "gpu-0000-03-00-0",
        "vm-feature-manager.io/pci-passthrough": "0000:03:00.0",
        "vm-feature-manager.io/pci-passthrough-applied": "0000:03:00.0",
      },
      devices: { hostDevices: [{ name: "gpu-0000-03-00-0", deviceName: "amd.com/PHOENIX_IGPU" }] },
      want: {
        targets: [
          {
            name: "gpu-0000-03-00-0",
            kind: "hostDevice",
            alias: "ua-hostdevice-gpu-0000-03-00-0",
            deviceName: "amd.com/PHOENIX_IGPU",
          },
        ],
      },
    },
    {
      // KubeVirt refuses an entry without a name; it is no candidate and no part of a message.
      name: "the only named device when an entry has no name",
      devices: {
        gpus: [IGPU],
        hostDevices: [{ deviceName: "amd.com/PHOENIX_HDMI_AUDIO" } as unknown as typeof AUDIO],
      },
      want: { targets: [igpu] },
    },
    {
      name: "a named device that is already there, without waiting for pci-passthrough",
      annotations: { [TARGET]: "igpu", "vm-feature-manager.io/pci-passthrough": "0000:03:00.1" },
      devices: { gpus: [IGPU] },
      want: { targets: [igpu] },
    },
  ];
  for (const tc of cases) {
    it(`should choose ${tc.name}`, () => {
      expect(resolve(tc.annotations ?? {}, tc.devices)).to.deep.equal(tc.want);
    });
  }

  const errors: {
    name: string;
    annotations?: Record<string, string>;
    devices: { gpus?: HostDevice[]; hostDevices?: HostDevice[] };
    message: string;
    field: string;
    fix: string;
  }[] = [
    {
      name: "no device at all",
      devices: {},
      message: "the VM passes through no GPU or host device to give the ROM to",
      field: "spec.template.spec.domain.devices.gpus / hostDevices",
      fix: "add the GPU to gpus[] or hostDevices[] (or ask pci-passthrough or gpu-device-plugin for it)",
    },
    {
      name: "no device after pci-passthrough failed",
      annotations: {
        "vm-feature-manager.io/pci-passthrough": "0000:03:00.0",
        "vm-feature-manager.io/pci-passthrough-error": "pci-passthrough: ...",
      },
      devices: {},
      message: "the VM passes through no GPU or host device to give the ROM to",
      field: "spec.template.spec.domain.devices.gpus / hostDevices",
      fix: "add the GPU to gpus[] or hostDevices[] (or ask pci-passthrough or gpu-device-plugin for it)",
    },
    {
      name: "several devices and no target",
      devices: { gpus: [IGPU], hostDevices: [AUDIO] },
      message:
        "the VM passes through several devices (gpu igpu, hostDevice hdmi-audio) and nothing says which gets the ROM",
      field: 'metadata.annotations["vm-feature-manager.io/vbios-target"]',
      fix: "set it to one of: igpu, hdmi-audio",
    },
    {
      name: "a target the VM does not have",
      annotations: { [TARGET]: "dgpu" },
      devices: { gpus: [IGPU] },
      message: 'the VM has no GPU or host device named "dgpu" (it has gpu igpu)',
      field: 'metadata.annotations["vm-feature-manager.io/vbios-target"]',
      fix: "name one of: igpu",
    },
    {
      name: "a target on a VM without devices",
      annotations: { [TARGET]: "dgpu" },
      devices: {},
      message: 'the VM has no GPU or host device named "dgpu" (it has none)',
      field: 'metadata.annotations["vm-feature-manager.io/vbios-target"]',
      fix: "add the device to gpus[] or hostDevices[] first",
    },
    {
      name: "a target that names both a GPU and a host device",
      annotations: { [TARGET]: "igpu" },
      devices: { gpus: [IGPU], hostDevices: [{ name: "igpu", deviceName: "x.com/Y" }] },
      message: '"igpu" is both a gpus[] and a hostDevices[] entry',
      field: "spec.template.spec.domain.devices.gpus / hostDevices",
      fix: "rename one of them: virt-launcher tells them apart by alias, the annotation by name",
    },
  ];
  for (const tc of errors) {
    it(`should refuse ${tc.name}`, () => {
      expect(() => resolve(tc.annotations ?? {}, tc.devices))
        .to.throw(tc.message)
        .that.deep.includes({ message: tc.message, field: tc.field, fix: tc.fix });
    });
  }
});
