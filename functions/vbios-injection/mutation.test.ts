import { expect } from "chai";
import type { Devices, VirtualMachine, VmiSpec, Volume } from "../../shared/kubevirt/types.ts";
import type { Target } from "./devices.ts";
import { HOOK_ENTRY, IGPU, romVm } from "./fixtures/cluster.ts";
import type { Plan } from "./mutation.ts";
import { injectRom } from "./mutation.ts";

const igpu: Target = { name: "igpu", kind: "gpu", alias: "ua-gpu-igpu" };
const PLAN: Plan = { configMap: "phoenix-vbios", targets: [igpu] };
const HOOK = JSON.stringify([HOOK_ENTRY]);
const ROM_REQUEST =
  '{"file":"/var/run/kubevirt-private/config-map/vbios-rom/rom","devices":[{"name":"igpu","alias":"ua-gpu-igpu"}]}';

const specOf = (vm: VirtualMachine): VmiSpec => vm.spec?.template?.spec ?? {};
const devicesOf = (vm: VirtualMachine): Devices => specOf(vm).domain?.devices ?? {};
const annotationsOf = (vm: VirtualMachine): Record<string, string> =>
  vm.spec?.template?.metadata?.annotations ?? {};

describe("vbios-injection injectRom", () => {
  it("should add the ROM volume, its CD-ROM, the hook sidecar and the hook's request", () => {
    const vm = romVm();
    expect(injectRom(vm, PLAN)).to.deep.equal({
      apiVersion: "kubevirt.io/v1",
      kind: "VirtualMachine",
      metadata: vm.metadata,
      spec: {
        runStrategy: "Always",
        template: {
          metadata: {
            labels: { "kubevirt.io/vm": "win11" },
            annotations: {
              "hooks.kubevirt.io/hookSidecars": HOOK,
              "vm-feature-manager.io/vbios-rom": ROM_REQUEST,
            },
          },
          spec: {
            domain: {
              devices: {
                gpus: [IGPU],
                disks: [
                  {
                    name: "vbios-rom",
                    cdrom: { bus: "sata", readonly: true },
                    serial: "vbios-rom",
                  },
                ],
              },
            },
            volumes: [{ name: "vbios-rom", configMap: { name: "phoenix-vbios" } }],
          },
        },
      },
    });
    expect(specOf(vm).volumes).to.equal(undefined);
  });

  it("should create every missing parent of a bare VM", () => {
    const bare: VirtualMachine = { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine" };
    const out = injectRom(bare, PLAN);
    expect(specOf(out).volumes).to.have.length(1);
    expect(devicesOf(out).disks).to.have.length(1);
    expect(Object.keys(annotationsOf(out))).to.have.length(2);
  });

  it("should keep the VM's disks, volumes and template annotations, adding ours after them", () => {
    const vm: VirtualMachine = {
      ...romVm(),
      spec: {
        template: {
          metadata: { annotations: { "kubevirt.io/allow-pod-bridge-network-live-migration": "" } },
          spec: {
            volumes: [{ name: "rootdisk", containerDisk: { image: "win11" } }],
            domain: { devices: { gpus: [IGPU], disks: [{ name: "rootdisk", bootOrder: 1 }] } },
          },
        },
      },
    };
    const out = injectRom(vm, { ...PLAN, image: "mirror.example/sidecar-shim:v1.9.0" });
    expect(specOf(out).volumes?.map((v) => v.name)).to.deep.equal(["rootdisk", "vbios-rom"]);
    expect(devicesOf(out).disks?.map((d) => d.name)).to.deep.equal(["rootdisk", "vbios-rom"]);
    const annotations = annotationsOf(out);
    expect(annotations["kubevirt.io/allow-pod-bridge-network-live-migration"]).to.equal("");
    expect(JSON.parse(annotations["hooks.kubevirt.io/hookSidecars"] ?? "")[0].image).to.equal(
      "mirror.example/sidecar-shim:v1.9.0",
    );
  });

  it("should keep a vbios-rom disk the user set, and follow a new ConfigMap name", () => {
    const once = injectRom(romVm(), PLAN);
    devicesOf(once).disks = [{ name: "vbios-rom", disk: { bus: "virtio" } }];
    const again = injectRom(once, { ...PLAN, configMap: "phoenix-vbios-v2" });
    expect(devicesOf(again).disks).to.deep.equal([{ name: "vbios-rom", disk: { bus: "virtio" } }]);
    expect(specOf(again).volumes).to.deep.equal([
      { name: "vbios-rom", configMap: { name: "phoenix-vbios-v2" } },
    ]);
  });

  it("should give its own output back unchanged", () => {
    const once = injectRom(romVm(), PLAN);
    expect(injectRom(once, PLAN)).to.deep.equal(once);
  });

  const conflicts: {
    name: string;
    volumes: Volume[];
    message: string;
    fix: string;
  }[] = [
    {
      name: "a vbios-rom volume of another kind",
      volumes: [{ name: "vbios-rom", containerDisk: { image: "x" } }],
      message: "the VM already has a volume named vbios-rom that is not the ROM's",
      fix: "rename that volume (and its disk): vbios-injection needs the name vbios-rom",
    },
    {
      name: "a volume named like the hook ConfigMap",
      volumes: [{ name: "vbios-injection-hook", emptyDir: {} }],
      message:
        "the VM has a volume named vbios-injection-hook, the name KubeVirt gives the hook program's pod volume",
      fix: "rename that volume",
    },
  ];
  for (const tc of conflicts) {
    it(`should refuse ${tc.name}`, () => {
      const vm = romVm();
      const spec = vm.spec?.template?.spec ?? {};
      spec.volumes = tc.volumes as VirtualMachine["spec"] extends never
        ? never
        : typeof spec.volumes;
      expect(() => injectRom(vm, PLAN))
        .to.throw(tc.message)
        .that.deep.includes({ field: "spec.template.spec.volumes", fix: tc.fix });
    });
  }
});
