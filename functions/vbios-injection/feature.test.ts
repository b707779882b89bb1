import { expect } from "chai";
import { admit } from "../../shared/admission/admit.ts";
import type { CoreSettings, ErrorHandling } from "../../shared/admission/settings.ts";
import type { AdmissionResponse } from "../../shared/admission/types.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import { recordingReader } from "../../test/helpers/cluster.ts";
import { admissionReview, applyResponse } from "../../test/helpers/review.ts";
import type { VbiosOptions } from "./feature.ts";
import { vbiosInjection } from "./feature.ts";
import { AUDIO, HOOK_ENTRY, IGPU, kubevirtCr, romConfigMap, romVm } from "./fixtures/cluster.ts";
import type { HookWriter } from "./hook-configmap.ts";
import { hookConfigMap } from "./hook-configmap.ts";

const NS = "default";
const ROM_CM = romConfigMap(NS, "phoenix-vbios");

/** Records the writes; the objects it was given are what the API server would now hold. */
function recordingWriter(): HookWriter & { writes: string[] } {
  const writes: string[] = [];
  return {
    writes,
    create: async (body) => {
      writes.push(`create ${body.metadata?.namespace}/${body.metadata?.name}`);
    },
    replace: async (body) => {
      writes.push(`replace ${body.metadata?.namespace}/${body.metadata?.name}`);
    },
  };
}

interface Run {
  response: AdmissionResponse;
  result: VirtualMachine;
  reads: string[];
  writes: string[];
}

async function run(
  vm: VirtualMachine,
  cluster: KubeObject[] = [ROM_CM, kubevirtCr()],
  options: {
    errorHandling?: ErrorHandling;
    dryRun?: boolean;
    operation?: "CREATE" | "UPDATE";
  } & VbiosOptions = {},
): Promise<Run> {
  const settings: CoreSettings = {
    errorHandling: options.errorHandling ?? "reject",
    tracking: true,
    viewDeadlineMs: 1000,
  };
  const writer = recordingWriter();
  const reader = recordingReader(cluster);
  const feature = vbiosInjection({ settings: options.settings ?? {}, writer });
  const review = admissionReview(vm, {
    dryRun: options.dryRun ?? false,
    operation: options.operation ?? "CREATE",
  });
  const decision = await admit(feature, review.request, settings, reader);
  const response = { uid: "u", ...decision.answer };
  return {
    response,
    result: response.allowed ? applyResponse(vm, response) : vm,
    reads: reader.reads,
    writes: writer.writes,
  };
}

const READS = [
  "ConfigMap default/phoenix-vbios",
  "kubevirts",
  "ConfigMap default/vbios-injection-hook",
];

describe("vbios-injection feature", () => {
  it("should give the only GPU the ROM and create the hook ConfigMap", async () => {
    const vm = romVm();
    const { response, result, reads, writes } = await run(vm);
    expect(result.metadata?.annotations).to.deep.equal({
      "vm-feature-manager.io/vbios-injection": "phoenix-vbios",
      "vm-feature-manager.io/vbios-injection-applied": "igpu",
    });
    expect(result.spec?.template).to.deep.equal({
      metadata: {
        labels: { "kubevirt.io/vm": "win11" },
        annotations: {
          "hooks.kubevirt.io/hookSidecars": JSON.stringify([HOOK_ENTRY]),
          "vm-feature-manager.io/vbios-rom": JSON.stringify({
            file: "/var/run/kubevirt-private/config-map/vbios-rom/rom",
            devices: [{ name: "igpu", alias: "ua-gpu-igpu" }],
          }),
        },
      },
      spec: {
        domain: {
          devices: {
            gpus: [IGPU],
            disks: [
              { name: "vbios-rom", cdrom: { bus: "sata", readonly: true }, serial: "vbios-rom" },
            ],
          },
        },
        volumes: [{ name: "vbios-rom", configMap: { name: "phoenix-vbios" } }],
      },
    });
    expect(response.auditAnnotations).to.deep.equal({ "hook-configmap": "created" });
    expect(reads).to.deep.equal(READS);
    expect(writes).to.deep.equal(["create default/vbios-injection-hook"]);
  });

  it("should produce no patch and no write for its own output (reinvocation)", async () => {
    const first = await run(romVm());
    const again = await run(first.result, [ROM_CM, kubevirtCr(), hookConfigMap(NS)], {
      operation: "UPDATE",
    });
    expect(again.response).to.deep.equal({
      uid: "u",
      allowed: true,
      auditAnnotations: { "hook-configmap": "current" },
    });
    expect(again.writes).to.deep.equal([]);
  });

  it("should keep other hook sidecars and put its own last, once", async () => {
    const smbios = { image: "registry.example/smbios:v1", args: ["--version", "v1alpha2"] };
    const vm = romVm();
    const template = vm.spec?.template ?? {};
    template.metadata = {
      annotations: { "hooks.kubevirt.io/hookSidecars": JSON.stringify([smbios]) },
    };
    const { result } = await run(vm);
    const sidecars =
      result.spec?.template?.metadata?.annotations?.["hooks.kubevirt.io/hookSidecars"];
    expect(JSON.parse(sidecars ?? "")).to.deep.equal([smbios, HOOK_ENTRY]);
  });

  it("should name the sidecar image from the annotation, else from VBIOS_SIDECAR_IMAGE", async () => {
    const image = (r: Run): unknown =>
      JSON.parse(
        r.result.spec?.template?.metadata?.annotations?.["hooks.kubevirt.io/hookSidecars"] ?? "",
      )[0].image;
    const fromEnv = await run(romVm(), undefined, {
      settings: { sidecarImage: "env.example/shim:1" },
    });
    expect(image(fromEnv)).to.equal("env.example/shim:1");
    const fromVm = await run(
      romVm({ "vm-feature-manager.io/sidecar-image": "vm.example/shim:2" }),
      undefined,
      { settings: { sidecarImage: "env.example/shim:1" } },
    );
    expect(image(fromVm)).to.equal("vm.example/shim:2");
  });

  it("should give the ROM to the named device of several", async () => {
    const vm = romVm(
      { "vm-feature-manager.io/vbios-target": "igpu" },
      { gpus: [IGPU], hostDevices: [AUDIO] },
    );
    const { result } = await run(vm);
    expect(
      result.metadata?.annotations?.["vm-feature-manager.io/vbios-injection-applied"],
    ).to.equal("igpu");
  });

  it("should write nothing on a dry run and say so, with the same patch", async () => {
    const dry = await run(romVm(), undefined, { dryRun: true });
    const real = await run(romVm());
    expect(dry.writes).to.deep.equal([]);
    expect(dry.reads).to.deep.equal(READS.slice(0, 2));
    expect(dry.response.patch).to.equal(real.response.patch);
    expect(dry.response.auditAnnotations).to.deep.equal({
      "hook-configmap": "not written (dry run)",
    });
  });

  it("should update an outdated hook ConfigMap", async () => {
    const old = hookConfigMap(NS);
    old["data"] = { onDefineDomain: "#!/bin/sh\ncat\n" };
    const { response, writes } = await run(romVm(), [ROM_CM, kubevirtCr(), old]);
    expect(writes).to.deep.equal(["replace default/vbios-injection-hook"]);
    expect(response.auditAnnotations).to.deep.equal({ "hook-configmap": "updated" });
  });

  it("should warn, and still inject, when no KubeVirt CR can be found", async () => {
    const { response, result } = await run(romVm(), [ROM_CM]);
    expect(response.warnings).to.deep.equal([
      "vbios-injection: no KubeVirt CR could be found, so the Sidecar feature gate was not checked; KubeVirt refuses the VM if it is off",
    ]);
    expect(result.spec?.template?.spec?.volumes).to.have.length(1);
  });

  it("should leave alone, reading nothing, a VM that does not ask", async () => {
    const vm = romVm();
    delete vm.metadata?.annotations?.["vm-feature-manager.io/vbios-injection"];
    const { response, reads, writes } = await run(vm);
    expect(response).to.deep.equal({ uid: "u", allowed: true });
    expect([reads, writes]).to.deep.equal([[], []]);
  });

  it("should wait, reading nothing, while pci-passthrough has yet to add the device", async () => {
    const vm = romVm({ "vm-feature-manager.io/pci-passthrough": "0000:03:00.0" }, {});
    const { response, reads, writes } = await run(vm);
    expect(response).to.deep.equal({
      uid: "u",
      allowed: true,
      warnings: [
        "vbios-injection: no ROM injected yet: waiting for pci-passthrough to add the device (this function runs again when it does)",
      ],
    });
    expect([reads, writes]).to.deep.equal([[], []]);
  });

  const denials: { name: string; vm?: VirtualMachine; cluster: KubeObject[]; message: string }[] = [
    {
      name: "the Sidecar feature gate is off",
      cluster: [ROM_CM, kubevirtCr(["HostDevices", "GPU"], "harvester-system")],
      message:
        "vbios-injection: the KubeVirt CR harvester-system/kubevirt does not enable the Sidecar feature gate, which hook sidecars need " +
        "(field KubeVirt harvester-system/kubevirt spec.configuration.developerConfiguration.featureGates). " +
        'Fix: add "Sidecar" to that list, keeping the gates already there (kubectl edit kubevirt kubevirt -n harvester-system)',
    },
    {
      name: "the ROM ConfigMap is missing",
      cluster: [kubevirtCr()],
      message:
        'vbios-injection: ConfigMap default/phoenix-vbios, named by the annotation, does not exist (field metadata.annotations["vm-feature-manager.io/vbios-injection"]). ' +
        "Fix: create it: kubectl create configmap phoenix-vbios -n default --from-file=rom=<vbios.rom> (kubectl puts a binary file under binaryData)",
    },
    {
      name: "the ROM is base64 text under data",
      cluster: [romConfigMap(NS, "phoenix-vbios", { data: { rom: "VaoB" } }), kubevirtCr()],
      message:
        'vbios-injection: ConfigMap default/phoenix-vbios holds "rom" under data, as text; a ROM is binary and belongs under binaryData (field ConfigMap default/phoenix-vbios binaryData.rom). ' +
        "Fix: recreate it with the ROM under binaryData.rom: kubectl create configmap phoenix-vbios -n default --from-file=rom=<vbios.rom> (kubectl puts a binary file under binaryData)",
    },
    {
      name: "the target is a vGPU",
      vm: romVm({}, { gpus: [{ name: "vgpu", deviceName: "nvidia.com/GRID_A100-4C" }] }),
      cluster: [ROM_CM, kubevirtCr()],
      message:
        "vbios-injection: gpu vgpu (nvidia.com/GRID_A100-4C) is a mediated device (vGPU), which has no PCI option ROM to replace (field spec.template.spec.domain.devices.gpus). " +
        "Fix: give the ROM to a passed-through PCI device (vbios-target)",
    },
    {
      name: "the target is a USB device",
      vm: romVm({}, { hostDevices: [{ name: "mouse", deviceName: "kubevirt.io/usb-mouse" }] }),
      cluster: [ROM_CM, kubevirtCr()],
      message:
        "vbios-injection: hostDevice mouse (kubevirt.io/usb-mouse) is a USB device, which has no PCI option ROM to replace (field spec.template.spec.domain.devices.hostDevices). " +
        "Fix: give the ROM to a passed-through PCI device (vbios-target)",
    },
    {
      name: "a ConfigMap of the hook's name was not made by the function",
      cluster: [
        ROM_CM,
        kubevirtCr(),
        { ...romConfigMap(NS, "vbios-injection-hook"), data: { x: "y" } },
      ],
      message:
        "vbios-injection: ConfigMap default/vbios-injection-hook exists and was not made by vbios-injection (field ConfigMap default/vbios-injection-hook). " +
        "Fix: delete or rename it: the function keeps its hook program under that name",
    },
  ];
  for (const tc of denials) {
    it(`should deny, writing nothing, when ${tc.name}`, async () => {
      const { response, writes } = await run(tc.vm ?? romVm(), tc.cluster);
      expect(response.allowed).to.equal(false);
      expect(response.status?.code).to.equal(403);
      expect(response.status?.message).to.equal(tc.message);
      expect(writes).to.deep.equal([]);
    });
  }

  describe("error modes (VBIOS_INJECTION_ERROR_HANDLING)", () => {
    const broken = (): VirtualMachine => romVm({}, { gpus: [IGPU], hostDevices: [AUDIO] });
    const message =
      "vbios-injection: the VM passes through several devices (gpu igpu, hostDevice hdmi-audio) and nothing says which gets the ROM " +
      '(field metadata.annotations["vm-feature-manager.io/vbios-target"]). Fix: set it to one of: igpu, hdmi-audio';

    it("should deny under reject", async () => {
      const { response } = await run(broken(), undefined, { errorHandling: "reject" });
      expect([response.allowed, response.status?.message]).to.deep.equal([false, message]);
    });

    it("should admit with the error annotation and a warning under allow-and-log", async () => {
      const { response, result, writes } = await run(broken(), undefined, {
        errorHandling: "allow-and-log",
      });
      expect(response.warnings).to.deep.equal([message]);
      expect(result.metadata?.annotations).to.deep.equal({
        "vm-feature-manager.io/vbios-injection": "phoenix-vbios",
        "vm-feature-manager.io/vbios-injection-error": message,
      });
      expect(result.spec).to.deep.equal(broken().spec);
      expect(writes).to.deep.equal([]);
    });

    it("should remove the trigger and admit with a warning under strip-label", async () => {
      const { response, result } = await run(broken(), undefined, { errorHandling: "strip-label" });
      expect(response.warnings).to.deep.equal([message]);
      expect(result.metadata?.annotations).to.deep.equal({});
      expect(result.spec).to.deep.equal(broken().spec);
    });
  });
});
