import fc from "fast-check";
import type { Arbitrary } from "fast-check";
import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import { mapKey, mapValue, objectName, quantity, sparse, stringMap, toJson } from "./common.ts";

// VirtualMachines shaped like KubeVirt's v1 API (kubevirt.io/v1, checked against its OpenAPI
// definitions): every field optional, with the CPU features, devices, placement and hook sidecars
// the functions read or write, already present in every combination.

const CPU_FLAGS = ["vmx", "svm", "pcid", "ssse3", "avx2", "invtsc", "x2apic"];
const POLICIES = ["force", "require", "optional", "disable", "forbid"];

const cpuFeature = fc.record(
  {
    name: fc.oneof(fc.constantFrom(...CPU_FLAGS), fc.string({ maxLength: 8 })),
    policy: fc.constantFrom(...POLICIES),
  },
  { requiredKeys: ["name"] },
);

const deviceName = fc.oneof(
  fc.constantFrom(
    "nvidia.com/GA102GL_A10",
    "nvidia.com/TU104GL_Tesla_T4",
    "intel.com/qat",
    "pci_0000_00_02_0",
  ),
  fc.string({ maxLength: 12 }),
);
const device = fc.record({ name: objectName, deviceName });

const iface = fc.oneof(
  fc.record({ name: objectName, masquerade: fc.constant({}) }),
  fc.record({ name: objectName, bridge: fc.constant({}) }),
  fc.record({
    name: objectName,
    binding: fc.record({ name: fc.constantFrom("macvtap", "passt") }),
  }),
  fc.record({
    name: objectName,
    sriov: fc.constant({}),
    macAddress: fc.constant("02:00:00:00:00:01"),
  }),
);

const network = fc.oneof(
  fc.record({ name: objectName, pod: fc.constant({}) }),
  fc.record({ name: objectName, multus: fc.record({ networkName: objectName }) }),
);

const volume = fc.oneof(
  fc.record({
    name: objectName,
    containerDisk: fc.record({ image: fc.constant("quay.io/containerdisks/fedora:40") }),
  }),
  fc.record({ name: objectName, configMap: fc.record({ name: objectName }) }),
  fc.record({ name: objectName, cloudInitNoCloud: fc.record({ userData: mapValue }) }),
  fc.record({ name: objectName, persistentVolumeClaim: fc.record({ claimName: objectName }) }),
);

const devices = sparse({
  disks: fc.array(
    fc.record({ name: objectName, disk: fc.record({ bus: fc.constant("virtio") }) }),
    { maxLength: 2 },
  ),
  interfaces: fc.array(iface, { maxLength: 3 }),
  hostDevices: fc.array(device, { maxLength: 3 }),
  gpus: fc.array(device, { maxLength: 2 }),
  autoattachGraphicsDevice: fc.boolean(),
});

const requirement = fc.record(
  {
    key: fc.oneof(
      fc.constantFrom(
        "cpu.vm-feature-manager.io/vendor",
        "cpu-vendor.node.kubevirt.io/Intel",
        "cpu-vendor.node.kubevirt.io/AMD",
        "cpu-feature.node.kubevirt.io/vmx",
        "kubernetes.io/hostname",
        "metadata.name",
      ),
      mapKey,
    ),
    operator: fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"),
    values: fc.array(fc.oneof(fc.constantFrom("true", "intel", "amd", "n1", "3"), mapValue), {
      maxLength: 3,
    }),
  },
  { requiredKeys: ["key", "operator"] },
);
const term = sparse({
  matchExpressions: fc.array(requirement, { maxLength: 2 }),
  matchFields: fc.array(requirement, { maxLength: 1 }),
});
const affinity = fc.record({
  nodeAffinity: fc.record({
    requiredDuringSchedulingIgnoredDuringExecution: fc.record({
      nodeSelectorTerms: fc.array(term, { maxLength: 2 }),
    }),
  }),
});

const placementLabel: Arbitrary<[string, string]> = fc.tuple(
  fc.constantFrom(
    "cpu.vm-feature-manager.io/vendor",
    "cpu-vendor.node.kubevirt.io/Intel",
    "cpu-feature.node.kubevirt.io/svm",
  ),
  fc.constantFrom("intel", "amd", "true", "other"),
);

const domain = sparse({
  cpu: sparse({
    cores: fc.integer({ min: 1, max: 8 }),
    sockets: fc.integer({ min: 1, max: 2 }),
    model: fc.constantFrom("host-passthrough", "host-model", "Skylake-Server"),
    features: fc.array(cpuFeature, { maxLength: 4 }),
  }),
  memory: sparse({ guest: quantity }),
  resources: sparse({
    requests: fc.dictionary(fc.constantFrom("memory", "cpu", "nvidia.com/GA102GL_A10"), quantity),
    limits: fc.dictionary(fc.constantFrom("memory", "cpu"), quantity),
  }),
  devices,
  firmware: sparse({ bootloader: fc.constant({ efi: { secureBoot: false } }) }),
  features: sparse({ acpi: fc.constant({}), smm: fc.record({ enabled: fc.boolean() }) }),
  machine: sparse({ type: fc.constant("q35") }),
});

/** KubeVirt's hook-sidecar annotation: a well-formed list, or anything at all. */
const hookSidecars = fc.oneof(
  fc
    .array(
      sparse({
        image: fc.constant("quay.io/kubevirt/sidecar-shim:v1.9.0"),
        args: fc.constant(["--version", "v1alpha2"]),
        configMap: fc.record({
          name: objectName,
          key: fc.constant("my_script.sh"),
          hookPath: fc.constantFrom("/usr/bin/onDefineDomain", "/usr/bin/preCloudInitIso"),
        }),
      }),
      { maxLength: 2 },
    )
    .map((list) => JSON.stringify(list)),
  mapValue,
);

const templateMetadata = sparse({
  labels: stringMap([fc.tuple(fc.constant("kubevirt.io/vm"), objectName)]),
  annotations: stringMap([fc.tuple(fc.constant("hooks.kubevirt.io/hookSidecars"), hookSidecars)]),
});

const vmiSpec = sparse({
  domain,
  nodeSelector: stringMap([placementLabel]),
  affinity,
  tolerations: fc.array(fc.record({ key: mapKey, operator: fc.constant("Exists") }), {
    maxLength: 1,
  }),
  networks: fc.array(network, { maxLength: 3 }),
  volumes: fc.array(volume, { maxLength: 3 }),
  hostname: objectName,
  evictionStrategy: fc.constantFrom("LiveMigrate", "None"),
  terminationGracePeriodSeconds: fc.integer({ min: 0, max: 180 }),
});

export interface ObjectOptions {
  /** Annotations every object may carry, e.g. the feature's trigger with its values. */
  annotations?: Arbitrary<[string, string]>[];
}

/** A VirtualMachine from nearly empty to every field set, as JSON. */
export function virtualMachines(options: ObjectOptions = {}): Arbitrary<KubeObject> {
  const metadata = fc.record(
    {
      name: objectName,
      generateName: fc.constant("vm-"),
      namespace: fc.constantFrom("default", "lab", "vms"),
      labels: stringMap(),
      annotations: stringMap(options.annotations ?? []),
      resourceVersion: fc.constant("12345"),
      uid: fc.uuid(),
      finalizers: fc.constant(["kubevirt.io/virtualMachineControllerFinalize"]),
    },
    { requiredKeys: ["namespace"] },
  );
  const spec = sparse({
    runStrategy: fc.constantFrom("Always", "Halted", "Manual", "RerunOnFailure"),
    template: sparse({ metadata: templateMetadata, spec: vmiSpec }),
    instancetype: fc.record({ name: objectName }),
  });
  return fc
    .record(
      { metadata, spec, status: sparse({ printableStatus: fc.constant("Stopped") }) },
      { requiredKeys: ["metadata"] },
    )
    .map((vm) => toJson({ apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", ...vm }));
}
