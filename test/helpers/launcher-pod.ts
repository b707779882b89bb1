import type { AdmissionRequest, AdmissionReview } from "../../shared/admission/types.ts";
import type { Container, Pod, ResourceRequirements } from "../../shared/kube/pod.ts";
import type {
  VirtualMachineInstance,
  VmiInterface,
  VmiNetwork,
} from "../../shared/kubevirt/types.ts";
import { admissionReview } from "./review.ts";

export interface LauncherPodOptions {
  vmi?: string;
  namespace?: string;
  /** Merged over KubeVirt's own annotations. */
  annotations?: Record<string, string>;
  /** Replaces KubeVirt's labels (kubevirt.io=virt-launcher and the others). */
  labels?: Record<string, string>;
  /** The compute container's resources; a macvtap VM's include macvtap.network.kubevirt.io/<name>. */
  computeResources?: ResourceRequirements;
  /** KubeVirt's guest-console-log native sidecar, with these resources. */
  consoleLog?: ResourceRequirements | false;
  extraContainers?: Container[];
}

/**
 * A fresh virt-launcher pod on every call, shaped as virt-controller renders it for a non-root VMI
 * (kubevirt/kubevirt pkg/virt-controller/services/template.go and rendercontainer.go): the
 * compute container with its securityContext, the kubevirt.io/domain annotation, KubeVirt's labels.
 */
export function launcherPod(options: LauncherPodOptions = {}): Pod {
  const vmi = options.vmi ?? "web-1";
  const consoleLog = options.consoleLog ?? {
    requests: { cpu: "5m", memory: "35M" },
    limits: { cpu: "15m", memory: "60M" },
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: `virt-launcher-${vmi}-`,
      namespace: options.namespace ?? "default",
      labels: options.labels ?? {
        "kubevirt.io": "virt-launcher",
        "kubevirt.io/created-by": "0c4a3c1e-5b7e-4d2a-9f6e-1f0c2a7b9d11",
        "vm.kubevirt.io/name": vmi,
        "vmi.kubevirt.io/id": vmi,
        "kubevirt.io/vm": vmi,
      },
      annotations: {
        "kubevirt.io/domain": vmi,
        "kubectl.kubernetes.io/default-container": "compute",
        "kubevirt.io/migrationTransportUnix": "true",
        "descheduler.alpha.kubernetes.io/request-evict-only": "",
        ...options.annotations,
      },
      ownerReferences: [
        {
          apiVersion: "kubevirt.io/v1",
          kind: "VirtualMachineInstance",
          name: vmi,
          uid: "0c4a3c1e-5b7e-4d2a-9f6e-1f0c2a7b9d11",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      hostname: vmi,
      restartPolicy: "Never",
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 45,
      readinessGates: [{ conditionType: "kubevirt.io/virtual-machine-unpaused" }],
      securityContext: { fsGroup: 107, runAsGroup: 107, runAsNonRoot: true, runAsUser: 107 },
      nodeSelector: { "kubevirt.io/schedulable": "true" },
      ...(consoleLog === false
        ? {}
        : { initContainers: [consoleLogContainer(vmi, structuredClone(consoleLog))] }),
      containers: [
        computeContainer(
          vmi,
          options.namespace ?? "default",
          structuredClone(options.computeResources ?? defaultResources()),
        ),
        ...structuredClone(options.extraContainers ?? []),
      ],
      volumes: [
        { name: "private", emptyDir: {} },
        { name: "public", emptyDir: {} },
        { name: "sockets", emptyDir: {} },
        { name: "libvirt-runtime", emptyDir: {} },
      ],
    },
  };
}

/** A launcher pod as KubeVirt renders a dedicated-CPU VM: every container's requests = limits. */
export function dedicatedCpuPod(): Pod {
  return launcherPod({
    computeResources: {
      requests: { cpu: "2", memory: "2294Mi", "devices.kubevirt.io/kvm": "1" },
      limits: { cpu: "2", memory: "2294Mi", "devices.kubevirt.io/kvm": "1" },
    },
    consoleLog: {
      requests: { cpu: "15m", memory: "60M" },
      limits: { cpu: "15m", memory: "60M" },
    },
  });
}

function defaultResources(): ResourceRequirements {
  return {
    requests: {
      cpu: "100m",
      memory: "1294Mi",
      "devices.kubevirt.io/kvm": "1",
      "devices.kubevirt.io/tun": "1",
      "devices.kubevirt.io/vhost-net": "1",
    },
    limits: {
      "devices.kubevirt.io/kvm": "1",
      "devices.kubevirt.io/tun": "1",
      "devices.kubevirt.io/vhost-net": "1",
    },
  };
}

function computeContainer(
  vmi: string,
  namespace: string,
  resources: ResourceRequirements,
): Container {
  return {
    name: "compute",
    image: "quay.io/kubevirt/virt-launcher:v1.6.0",
    command: ["/usr/bin/virt-launcher-monitor"],
    args: ["--qemu-timeout", "281s", "--name", vmi, "--namespace", namespace, "--run-as-nonroot"],
    resources,
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] },
      privileged: false,
      runAsGroup: 107,
      runAsNonRoot: true,
      runAsUser: 107,
    },
    volumeMounts: [
      { name: "private", mountPath: "/var/run/kubevirt-private" },
      { name: "public", mountPath: "/var/run/kubevirt" },
      { name: "libvirt-runtime", mountPath: "/var/run/libvirt" },
      { name: "sockets", mountPath: "/var/run/kubevirt/sockets" },
    ],
  };
}

function consoleLogContainer(vmi: string, resources: ResourceRequirements): Container {
  return {
    name: "guest-console-log",
    image: "quay.io/kubevirt/virt-launcher:v1.6.0",
    command: ["/usr/bin/virt-tail"],
    args: ["--logfile", `/var/run/kubevirt-private/${vmi}/virt-serial0-log`],
    restartPolicy: "Always",
    resources,
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
      runAsUser: 107,
    },
    volumeMounts: [{ name: "private", mountPath: "/var/run/kubevirt-private", readOnly: true }],
  };
}

/** A fresh AdmissionReview of a Pod (core v1) on every call. */
export function podReview(
  pod: Pod,
  overrides: Parameters<typeof admissionReview>[1] = {},
): AdmissionReview {
  const request: Partial<AdmissionRequest> = {
    kind: { group: "", version: "v1", kind: "Pod" },
    resource: { group: "", version: "v1", resource: "pods" },
    ...overrides,
  };
  return admissionReview(pod, request);
}

/** A fresh VMI whose interfaces and networks are given (KubeVirt's defaults: masquerade on the pod network). */
export function vmiObject(
  options: {
    name?: string;
    namespace?: string;
    interfaces?: VmiInterface[];
    networks?: VmiNetwork[];
  } = {},
): VirtualMachineInstance {
  return {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachineInstance",
    metadata: { name: options.name ?? "web-1", namespace: options.namespace ?? "default" },
    spec: {
      domain: {
        devices: {
          interfaces: structuredClone(options.interfaces ?? [{ name: "default", masquerade: {} }]),
        },
        resources: { requests: { memory: "1Gi" } },
      },
      networks: structuredClone(options.networks ?? [{ name: "default", pod: {} }]),
    },
  };
}
