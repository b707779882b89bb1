import { expect } from "chai";
import jsonpatch from "fast-json-patch";
import { admit } from "../../shared/admission/admit.ts";
import type { Feature } from "../../shared/admission/feature.ts";
import type { CoreSettings } from "../../shared/admission/settings.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import { VIRTUAL_MACHINE_KIND } from "../../shared/kubevirt/types.ts";
import { snapshotReader } from "../../shared/kube/snapshot-reader.ts";
import { admissionReview, decodePatch } from "../../test/helpers/review.ts";
import { vbiosInjection } from "./feature.ts";
import { kubevirtCr, romConfigMap, romVm } from "./fixtures/cluster.ts";
import { hookConfigMap } from "./hook-configmap.ts";

const DEVICE = { name: "gpu-0000-03-00-0", deviceName: "amd.com/PHOENIX_IGPU" };

function withDevice(vm: Readonly<VirtualMachine>): VirtualMachine {
  const copy = structuredClone(vm) as VirtualMachine;
  const devices = copy.spec?.template?.spec?.domain?.devices ?? {};
  const present = devices.hostDevices ?? [];
  if (!present.some((d) => d.name === DEVICE.name)) devices.hostDevices = [...present, DEVICE];
  return copy;
}

/**
 * A stand-in for pci-passthrough, not its code: through the same core, it adds one hostDevices
 * entry when asked by its annotation, and so gets its -applied annotation.
 */
const passthrough: Feature<VirtualMachine, undefined> = {
  name: "pci-passthrough",
  kinds: [VIRTUAL_MACHINE_KIND],
  operations: ["CREATE", "UPDATE"],
  triggerAnnotation: "vm-feature-manager.io/pci-passthrough",
  reads: [],
  view: async () => undefined,
  mutate(vm) {
    if (!vm.metadata?.annotations?.["vm-feature-manager.io/pci-passthrough"])
      return { skip: "not asked" };
    return { object: withDevice(vm), applied: "0000:03:00.0" };
  },
};

const settings: CoreSettings = { errorHandling: "reject", tracking: true, viewDeadlineMs: 1000 };
const cluster = snapshotReader([
  romConfigMap("default", "phoenix-vbios"),
  kubevirtCr(),
  hookConfigMap("default"),
]);
const noWrites = {
  create: async (): Promise<void> => undefined,
  replace: async (): Promise<void> => undefined,
};

interface Call {
  feature: string;
  ops: number;
  warnings: string[];
}

/**
 * The API server's chain: every webhook in order, then once more each webhook that a later one
 * changed the object after (reinvocationPolicy IfNeeded), each patch applied before the next call.
 */
async function chain(
  vm: KubeObject,
  features: readonly Feature[],
): Promise<{ object: KubeObject; calls: Call[] }> {
  let object = structuredClone(vm);
  const calls: Call[] = [];
  const call = async (feature: Feature, operation: "CREATE" | "UPDATE"): Promise<number> => {
    const { answer } = await admit(
      feature,
      admissionReview(object, { operation }).request,
      settings,
      cluster,
    );
    expect(answer.allowed, answer.status?.message).to.equal(true);
    const ops = decodePatch({ uid: "", ...answer });
    object = jsonpatch.applyPatch(object, ops, true, false).newDocument;
    calls.push({ feature: feature.name, ops: ops.length, warnings: answer.warnings ?? [] });
    return ops.length;
  };
  const changed: boolean[] = [];
  for (const feature of features) changed.push((await call(feature, "CREATE")) > 0);
  for (const [i, feature] of features.entries())
    if (changed.slice(i + 1).some(Boolean)) await call(feature, "CREATE");
  return { object, calls };
}

describe("vbios-injection in the webhook chain", () => {
  const vbios = vbiosInjection({ settings: {}, writer: noWrites }) as Feature;
  const asked = (): VirtualMachine =>
    romVm({ "vm-feature-manager.io/pci-passthrough": "0000:03:00.0" }, {});
  const rom = (object: KubeObject): unknown =>
    (object as VirtualMachine).spec?.template?.metadata?.annotations?.[
      "vm-feature-manager.io/vbios-rom"
    ];
  const WANT_ROM = JSON.stringify({
    file: "/var/run/kubevirt-private/config-map/vbios-rom/rom",
    devices: [{ name: DEVICE.name, alias: `ua-hostdevice-${DEVICE.name}` }],
  });

  it("should inject on reinvocation when it runs before the device is added", async () => {
    const { object, calls } = await chain(asked(), [vbios, passthrough as Feature]);
    expect(calls.map(({ feature, ops }) => [feature, ops])).to.deep.equal([
      ["vbios-injection", 0],
      ["pci-passthrough", 2],
      ["vbios-injection", 4],
    ]);
    expect(calls[0]?.warnings).to.deep.equal([
      "vbios-injection: no ROM injected yet: waiting for pci-passthrough to add the device (this function runs again when it does)",
    ]);
    expect(rom(object)).to.equal(WANT_ROM);
  });

  it("should inject at once when it runs after the device is added, and reach the same VM", async () => {
    const first = await chain(asked(), [vbios, passthrough as Feature]);
    const { object, calls } = await chain(asked(), [passthrough as Feature, vbios]);
    expect(calls.map(({ feature, ops }) => [feature, ops])).to.deep.equal([
      ["pci-passthrough", 2],
      ["vbios-injection", 4],
      ["pci-passthrough", 0],
    ]);
    expect(object).to.deep.equal(first.object);
  });

  it("should leave the chain's result alone on another pass (idempotence)", async () => {
    const { object } = await chain(asked(), [passthrough as Feature, vbios]);
    const again = await chain(object, [passthrough as Feature, vbios]);
    expect(again.calls.map((c) => c.ops)).to.deep.equal([0, 0]);
  });
});
