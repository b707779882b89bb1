import { expect } from "chai";
import type { ErrorHandling } from "../../shared/admission/settings.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import type { Admitted } from "../../test/helpers/admit.ts";
import { admitVm } from "../../test/helpers/admit.ts";
import { A10, kubeVirtObject } from "../../test/helpers/devices.ts";
import { virtualMachine } from "../../test/helpers/review.ts";
import { gpuDevicePlugin, RESOURCE_LIMIT_WARNING } from "./feature.ts";
import { TRIGGER } from "./intent.ts";
import type { GpuSettings } from "./settings.ts";

const APPLIED = "vm-feature-manager.io/gpu-device-plugin-applied";
const FIELD = `metadata.annotations["${TRIGGER}"]`;
const T4 = "nvidia.com/TU104GL_T4";
const CLUSTER = [
  kubeVirtObject([
    { pciVendorSelector: "10DE:2236", resourceName: A10, externalResourceProvider: true },
  ]),
];

function run(
  vm: VirtualMachine,
  options: {
    settings?: Partial<GpuSettings>;
    errorHandling?: ErrorHandling;
    cluster?: KubeObject[];
  } = {},
): Promise<Admitted> {
  const feature = gpuDevicePlugin({
    settings: { mode: "gpus", maxDevices: 16, ...options.settings },
  });
  return admitVm(feature, vm, options.cluster ?? CLUSTER, options.errorHandling);
}

const asking = (value: string, vmiSpec?: Record<string, unknown>): VirtualMachine =>
  virtualMachine({ annotations: { [TRIGGER]: value }, ...(vmiSpec ? { vmiSpec } : {}) });

function expected(
  value: string,
  gpus: { name: string; deviceName: string }[],
  applied: string,
): VirtualMachine {
  const vm = asking(value);
  vm.metadata = { ...vm.metadata, annotations: { [TRIGGER]: value, [APPLIED]: applied } };
  const spec = vm.spec?.template?.spec ?? {};
  spec.domain = { ...spec.domain, devices: { gpus } };
  return vm;
}

describe("gpu-device-plugin feature", () => {
  it("should attach the GPU through domain.devices.gpus so the guest gets it", async () => {
    const { result, reads } = await run(asking(A10));
    expect(result).to.deep.equal(
      expected(
        A10,
        [{ name: "nvidia-com-GA102GL_A10-1", deviceName: A10 }],
        `nvidia-com-GA102GL_A10-1=${A10}`,
      ),
    );
    expect(reads).to.deep.equal(["kubevirts"]);
  });

  it("should add distinctly named entries for a count", async () => {
    const { result } = await run(asking(`${A10}=3`));
    expect(result.spec?.template?.spec?.domain?.devices?.gpus).to.deep.equal([
      { name: "nvidia-com-GA102GL_A10-1", deviceName: A10 },
      { name: "nvidia-com-GA102GL_A10-2", deviceName: A10 },
      { name: "nvidia-com-GA102GL_A10-3", deviceName: A10 },
    ]);
  });

  it("should give no patch when its own output is admitted again", async () => {
    const first = await run(asking(`${A10}=2`));
    const second = await run(first.result);
    expect([second.response.allowed, second.response.patch]).to.deep.equal([true, undefined]);
  });

  it("should count existing entries of the resource and keep other devices", async () => {
    const vm = asking(`${A10}=2`, {
      domain: {
        devices: {
          gpus: [
            {
              name: "vgpu",
              deviceName: "nvidia.com/GRID_T4-1Q",
              virtualGPUOptions: { display: { enabled: false } },
            },
            { name: "gpu1", deviceName: A10 },
          ],
        },
      },
    });
    const cluster = [kubeVirtObject([{ pciVendorSelector: "10DE:2236", resourceName: A10 }])];
    const { result } = await run(vm, { cluster });
    expect(result.spec?.template?.spec?.domain?.devices?.gpus).to.deep.equal([
      {
        name: "vgpu",
        deviceName: "nvidia.com/GRID_T4-1Q",
        virtualGPUOptions: { display: { enabled: false } },
      },
      { name: "gpu1", deviceName: A10 },
      { name: "nvidia-com-GA102GL_A10-2", deviceName: A10 },
    ]);
    expect(result.metadata?.annotations?.[APPLIED]).to.equal(
      `gpu1=${A10},nvidia-com-GA102GL_A10-2=${A10}`,
    );
  });

  it("should accept an older tool's limit when it equals the number of entries", async () => {
    const vm = asking(A10, { domain: { resources: { limits: { [A10]: "1" } } } });
    const { result } = await run(vm);
    expect(result.spec?.template?.spec?.domain).to.deep.equal({
      resources: { limits: { [A10]: "1" } },
      devices: { gpus: [{ name: "nvidia-com-GA102GL_A10-1", deviceName: A10 }] },
    });
  });

  it("should refuse an own limit that would override KubeVirt's count", async () => {
    const vm = asking(`${A10}=2`, { domain: { resources: { limits: { [A10]: "1" } } } });
    const { response } = await run(vm);
    expect(response.status?.message).to.equal(
      `gpu-device-plugin: limits["${A10}"] is "1", but the VM lists 2 device entries of it; KubeVirt requests one per entry and the VM's own value overrides that count (field spec.template.spec.domain.resources.limits). ` +
        `Fix: remove ${A10} from spec.template.spec.domain.resources.limits (KubeVirt adds the request itself), or set it to 2`,
    );
  });

  it("should refuse a resource the readable KubeVirt CR does not permit, saying what to add", async () => {
    const { response } = await run(asking(`${A10},${T4}`));
    expect(response.status?.message).to.equal(
      `gpu-device-plugin: ${T4}: ${T4} is not in the permittedHostDevices of the KubeVirt CR kubevirt/kubevirt, so KubeVirt would not start the VM (field ${FIELD}). ` +
        `Fix: add {pciVendorSelector: "<VENDOR>:<DEVICE>", resourceName: "${T4}"} to spec.configuration.permittedHostDevices.pciHostDevices of KubeVirt kubevirt/kubevirt (with externalResourceProvider: true when another device plugin serves it; mediatedDevices for a vGPU), or use a resource it permits`,
    );
  });

  it("should not check permitted devices when no KubeVirt CR is served", async () => {
    const { response } = await run(asking(T4), { cluster: [] });
    expect(response.allowed).to.equal(true);
  });

  it("should enforce GPU_ALLOWED_PLUGINS", async () => {
    const { response } = await run(asking("amd.com/gpu"), {
      settings: { allowed: ["nvidia.com/*"] },
    });
    expect(response.status?.message).to.equal(
      `gpu-device-plugin: amd.com/gpu is not among the device plugins this cluster allows (GPU_ALLOWED_PLUGINS: nvidia.com/*) (field ${FIELD}). ` +
        "Fix: ask for an allowed resource, or have the cluster admin add it to GPU_ALLOWED_PLUGINS",
    );
    const allowed = await run(asking(A10), { settings: { allowed: ["nvidia.com/*"] } });
    expect(allowed.response.allowed).to.equal(true);
  });

  describe("GPU_MODE=resource-limit", () => {
    const settings = { mode: "resource-limit" as const };

    it("should only set the limit, without reading the cluster, and warn that nothing is attached", async () => {
      const { result, response, reads } = await run(asking(`${T4}=2`), { settings });
      const want = asking(`${T4}=2`);
      want.metadata = {
        ...want.metadata,
        annotations: { [TRIGGER]: `${T4}=2`, [APPLIED]: `limit ${T4}=2` },
      };
      const spec = want.spec?.template?.spec ?? {};
      spec.domain = {
        devices: {},
        resources: { requests: { memory: "1Gi" }, limits: { [T4]: "2" } },
      };
      expect(result).to.deep.equal(want);
      expect([response.warnings, reads]).to.deep.equal([[RESOURCE_LIMIT_WARNING], []]);
      const again = await run(result, { settings });
      expect(again.response.patch).to.equal(undefined);
    });

    it("should refuse a different limit the VM already sets", async () => {
      const vm = asking(T4, { domain: { resources: { limits: { [T4]: "2" } } } });
      const { response } = await run(vm, { settings });
      expect(response.status?.message).to.equal(
        `gpu-device-plugin: the VM already sets limits["${T4}"] to "2", but the annotation asks for 1 (field spec.template.spec.domain.resources.limits). ` +
          `Fix: make them agree: change the annotation to ${T4}=2, or remove the VM's own value`,
      );
    });
  });

  describe("error modes", () => {
    const vm = asking("nvidia.com/A10=0");
    const message =
      `gpu-device-plugin: the annotation gives nvidia.com/A10 the count "0", which is not a positive whole number (field ${FIELD}). ` +
      'Fix: write nvidia.com/A10=<count> with a count of 1 or more, or leave "=<count>" out for one';

    it("should deny in reject mode", async () => {
      const { response } = await run(vm);
      expect(response).to.deep.equal({
        uid: "u",
        allowed: false,
        status: { status: "Failure", code: 403, reason: "Forbidden", message },
      });
    });

    it("should admit with the error annotation in allow-and-log mode", async () => {
      const { response, result } = await run(vm, { errorHandling: "allow-and-log" });
      expect(response.warnings).to.deep.equal([message]);
      expect(result.metadata?.annotations).to.deep.equal({
        [TRIGGER]: "nvidia.com/A10=0",
        "vm-feature-manager.io/gpu-device-plugin-error": message,
      });
      expect(result.spec).to.deep.equal(vm.spec);
    });

    it("should drop the trigger in strip-label mode", async () => {
      const { response, result } = await run(vm, { errorHandling: "strip-label" });
      expect([response.warnings, result.metadata?.annotations]).to.deep.equal([[message], {}]);
    });
  });

  it("should skip a VM without the annotation and read nothing", async () => {
    const { response, reads } = await run(virtualMachine());
    expect([response.patch, reads]).to.deep.equal([undefined, []]);
  });
});
