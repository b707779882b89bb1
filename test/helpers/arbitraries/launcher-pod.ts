import fc from "fast-check";
import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import { mapKey, mapValue, objectName, quantity, sparse, stringMap, toJson } from "./common.ts";
import type { ObjectOptions } from "./vm.ts";

// virt-launcher pods shaped as virt-controller renders them (kubevirt/kubevirt
// pkg/virt-controller/services/template.go): the compute container with KubeVirt's
// securityContext and device resources, hook sidecars, the guest-console-log native sidecar,
// KubeVirt's labels and annotations. Every part optional, so the sparse shapes are there too.

const resources = sparse({
  requests: fc.dictionary(
    fc.oneof(
      fc.constantFrom(
        "cpu",
        "memory",
        "devices.kubevirt.io/kvm",
        "devices.kubevirt.io/tun",
        "macvtap.network.kubevirt.io/eth1",
        "nvidia.com/GA102GL_A10",
      ),
      mapKey,
    ),
    quantity,
    { maxKeys: 4 },
  ),
  limits: fc.dictionary(fc.constantFrom("cpu", "memory", "devices.kubevirt.io/kvm"), quantity, {
    maxKeys: 3,
  }),
});

const securityContext = sparse({
  runAsUser: fc.constantFrom(107, 0),
  runAsNonRoot: fc.boolean(),
  allowPrivilegeEscalation: fc.constant(false),
  privileged: fc.boolean(),
  capabilities: sparse({
    add: fc.subarray(["NET_BIND_SERVICE", "SYS_NICE", "NET_ADMIN"]),
    drop: fc.constant(["ALL"]),
  }),
});

const volumeMount = fc.record({
  name: objectName,
  mountPath: fc.constantFrom("/var/run/kubevirt-private", "/var/run/libvirt", "/path"),
});

function container(name: fc.Arbitrary<string>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record(
      {
        name,
        image: fc.constant("quay.io/kubevirt/virt-launcher:v1.9.0"),
        command: fc.constant(["/usr/bin/virt-launcher-monitor"]),
        args: fc.array(mapValue, { maxLength: 2 }),
        env: fc.array(fc.record({ name: mapKey, value: mapValue }), { maxLength: 2 }),
        resources,
        securityContext,
        volumeMounts: fc.array(volumeMount, { maxLength: 2 }),
        restartPolicy: fc.constant("Always"),
      },
      { requiredKeys: ["name"] },
    )
    .map((c) => c as Record<string, unknown>);
}

const volume = fc.oneof(
  fc.record({ name: objectName, emptyDir: fc.constant({}) }),
  fc.record({ name: objectName, configMap: fc.record({ name: objectName }) }),
  fc.record({
    name: objectName,
    projected: fc.constant({
      sources: [{ serviceAccountToken: { path: "token", expirationSeconds: 3600 } }],
    }),
  }),
);

export function launcherPods(options: ObjectOptions = {}): fc.Arbitrary<KubeObject> {
  const vmi = objectName;
  const metadata = fc.record(
    {
      generateName: vmi.map((name) => `virt-launcher-${name}-`),
      name: vmi.map((name) => `virt-launcher-${name}-abcde`),
      namespace: fc.constantFrom("default", "lab", "vms"),
      labels: stringMap([
        fc.tuple(fc.constant("kubevirt.io"), fc.constant("virt-launcher")),
        fc.tuple(fc.constant("kubevirt.io/created-by"), fc.uuid()),
        fc.tuple(fc.constant("vm.kubevirt.io/name"), vmi),
      ]),
      annotations: stringMap([
        fc.tuple(fc.constant("kubevirt.io/domain"), vmi),
        fc.tuple(fc.constant("kubectl.kubernetes.io/default-container"), fc.constant("compute")),
        ...(options.annotations ?? []),
      ]),
      ownerReferences: fc.array(
        fc.record({
          apiVersion: fc.constant("kubevirt.io/v1"),
          kind: fc.constant("VirtualMachineInstance"),
          name: vmi,
          uid: fc.uuid(),
        }),
        { maxLength: 1 },
      ),
    },
    { requiredKeys: ["namespace"] },
  );
  const spec = sparse({
    containers: fc
      .tuple(
        container(fc.constant("compute")),
        fc.array(
          container(fc.constantFrom("hook-sidecar-0", "hook-sidecar-1", "volumecontainerdisk")),
          { maxLength: 2 },
        ),
      )
      .map(([compute, rest]) => [compute, ...rest]),
    initContainers: fc.array(
      container(fc.constantFrom("guest-console-log", "container-disk-binary", "compute-init")),
      { maxLength: 2 },
    ),
    volumes: fc.array(volume, { maxLength: 3 }),
    restartPolicy: fc.constant("Never"),
    serviceAccountName: objectName,
    automountServiceAccountToken: fc.boolean(),
    nodeSelector: stringMap([
      fc.tuple(fc.constant("kubevirt.io/schedulable"), fc.constant("true")),
    ]),
    hostname: objectName,
    securityContext: sparse({
      runAsUser: fc.constant(107),
      fsGroup: fc.constant(107),
      runAsNonRoot: fc.boolean(),
    }),
    terminationGracePeriodSeconds: fc.integer({ min: 0, max: 210 }),
    readinessGates: fc.constant([{ conditionType: "kubevirt.io/virtual-machine-unpaused" }]),
  });
  return fc
    .record({ metadata, spec }, { requiredKeys: ["metadata", "spec"] })
    .map((pod) => toJson({ apiVersion: "v1", kind: "Pod", ...pod }));
}
