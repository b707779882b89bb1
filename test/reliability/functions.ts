import fc from "fast-check";
import type { Arbitrary } from "fast-check";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { FakeKubeApi, FakeObject } from "../helpers/fake-kube-api.ts";
import { configMapObject, nodeObject } from "../helpers/cluster.ts";
import { fakeHost } from "../../functions/cpu-labeller/fixtures/host.ts";
import { virtualMachine } from "../helpers/review.ts";
import { cluster as machineCluster, hookRequest, machine } from "../helpers/machines.ts";
import { readFileSync } from "node:fs";
import { hookConfigMap } from "../../functions/vbios-injection/hook-configmap.ts";
import { parse } from "yaml";

/** The objects of an examples/ manifest (a List's items, or the one object). */
function example(file: string): KubeObject[] {
  const doc = parse(
    readFileSync(new URL(`../../examples/${file}`, import.meta.url), "utf8"),
  ) as KubeObject & { items?: KubeObject[] };
  return doc.kind === "List" ? (doc.items ?? []) : [doc];
}

function one(file: string): KubeObject {
  const [object] = example(file);
  if (!object) throw new Error(`examples/${file} is empty`);
  return object;
}

const CLUSTER = example("cluster.yaml");
const fail = (name: string, status: number, body: unknown): never => {
  throw new Error(`${name} is not healthy: ${status} ${JSON.stringify(body)}`);
};

// The reliability suite's one table: a line per function. Every name in functions/targets.ts must
// have a line (a test says so), and a line for a feature in functions/mutators.ts makes the
// property, bad-input, fault, load, SIGTERM and least-privilege tests cover it. A new function
// joins with one line here.

/** One HTTP exchange with a function, and what its healthy answer must be. */
export interface Probe {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  /** The request body (JSON text), for a POST. */
  body?: string;
  /** Throws (a chai assertion) unless the answer is the healthy one. */
  healthy(status: number, body: unknown): void;
  /** Throws unless the answer reports the cluster fault whose cause matches `cause`. */
  faulty?(status: number, body: unknown, cause: RegExp): void;
}

export interface AdmissionLine {
  /**
   * JSON pointers (`*` matches one segment) of what the feature may change. The core's own
   * annotations (`<feature>-applied`, `<feature>-error`, and the trigger under strip-label) are
   * allowed for every feature and need not be listed.
   */
  paths: readonly string[];
  /** Trigger annotation values the generators mix in with arbitrary ones. */
  values: readonly string[];
  /** Clusters the properties are checked against; defaults to `cluster` alone. */
  clusters?: Arbitrary<KubeObject[]>;
  /** An object the feature patches against `cluster`: the load, fault and SIGTERM tests send it. */
  sample(): KubeObject;
}

export interface FunctionLine {
  /** Objects in the local API server (and the snapshot for in-process admission). */
  cluster: readonly KubeObject[];
  /** Environment beyond KUBECONFIG and LOG_LEVEL, as the function's manifest sets it. */
  env?: () => Record<string, string>;
  /** Entry point when the function is not served by main.ts (not in functions/targets.ts). */
  entry?: string;
  /** Set for a feature of functions/mutators.ts; its probe is derived from it. */
  admission?: AdmissionLine;
  /** For any other function: what the tests send and how they judge the answer. */
  probe?: Probe;
  /** How long a change of the API's health takes to show in the answers (a publish interval). */
  settleMs?: number;
  /**
   * How long the function gives a slow client before cutting it off, when it does not read the
   * suite's HTTP_HEADERS_TIMEOUT_MS / HTTP_REQUEST_TIMEOUT_MS (2 s).
   */
  clientTimeoutMs?: number;
  /**
   * For a function that writes: after the generated objects, drive its write paths against the
   * local API server (the least-privilege test then sees every verb it is granted used).
   */
  exerciseWrites?: (api: FakeKubeApi, sendSample: () => Promise<void>) => Promise<void>;
  /** The function never calls the Kubernetes API (so it has no RBAC and no fault cases). */
  offline?: boolean;
}

const NESTED = "vm-feature-manager.io/nested-virt";
const vendorLabels = fc.dictionary(
  fc.constantFrom(
    "cpu.vm-feature-manager.io/vendor",
    "cpu.vm-feature-manager.io/nested",
    "cpu-vendor.node.kubevirt.io/Intel",
    "cpu-vendor.node.kubevirt.io/AMD",
    "cpu-feature.node.kubevirt.io/vmx",
    "cpu-feature.node.kubevirt.io/svm",
    "kubevirt.io/schedulable",
    "kubernetes.io/hostname",
  ),
  fc.constantFrom("intel", "amd", "true", "false", "n1"),
);
const nestedVirtClusters = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom("n1", "n2", "n3"), vendorLabels), { maxLength: 3 }),
    fc.option(
      fc.dictionary(
        fc.constantFrom("default", "lab", "vms"),
        fc.constantFrom("^vm-", "^test-.*,(", "", ".*", "["),
      ),
    ),
  )
  .map(([nodes, rules]) => [
    ...nodes.map(([name, labels]) => nodeObject(name, labels)),
    ...(rules ? [configMapObject("vm-feature-functions", "nested-virt-rules", rules)] : []),
  ]);

const INTEL_NESTED = {
  "cpu.vm-feature-manager.io/vendor": "intel",
  "cpu.vm-feature-manager.io/nested": "true",
};

export const FUNCTIONS: Record<string, FunctionLine> = {
  "nested-virt": {
    cluster: [
      nodeObject("n1", INTEL_NESTED),
      configMapObject("vm-feature-functions", "nested-virt-rules", { default: "^vm-" }),
    ],
    admission: {
      paths: ["/spec/template/spec/domain/cpu/features"],
      values: ["enabled", "disabled", "true", "no", "vmx", "svm", " Enabled ", "on"],
      clusters: nestedVirtClusters,
      sample: () =>
        virtualMachine({ name: "web", namespace: "lab", annotations: { [NESTED]: "enabled" } }),
    },
  },
  "cpu-labeller": {
    cluster: [nodeObject("node-a", { "kubernetes.io/os": "linux" })],
    env: () => {
      const host = fakeHost("intel-xeon-gold-6338", { module: "kvm_intel", value: "Y\n" });
      return {
        NODE_NAME: "node-a",
        PROC_ROOT: host.procRoot,
        SYS_ROOT: host.sysRoot,
        PUBLISH_INTERVAL_SECONDS: "0.2",
      };
    },
    settleMs: 1200,
    probe: {
      method: "GET",
      path: "/",
      healthy: (status, body) => {
        const state = body as Record<string, unknown>;
        if (status !== 200 || state["lastError"] !== null || state["node"] !== "node-a")
          throw new Error(`cpu-labeller is not healthy: ${status} ${JSON.stringify(body)}`);
      },
      faulty: (status, body, cause) => {
        const error = String((body as Record<string, unknown>)["lastError"]);
        if (status !== 503 || !error.startsWith("cpu-labeller: ") || !cause.test(error))
          throw new Error(`cpu-labeller does not report ${String(cause)}: ${status} ${error}`);
      },
    },
  },
  "imds-server": {
    entry: "functions/imds-server/main.ts",
    offline: true,
    // Its own server: 5 s for the headers (functions/imds-server/server.ts).
    clientTimeoutMs: 5_000,
    cluster: [],
    env: () => ({
      // It logs "serving" through its logger, which the harness waits for.
      LOG_LEVEL: "info",
      IMDS_NETWORK_SETUP: "false",
      IMDS_ADDRESS: "127.0.0.1",
      IMDS_PORT: "0",
      IMDS_NAMESPACE: "vms",
      IMDS_SERVICE_ACCOUNT: "builder",
      IMDS_VM_NAME: "web-1",
      // One guest is the only client in a pod; the load test is many, on one address.
      IMDS_RATE_PER_SECOND: "1000000",
      IMDS_RATE_BURST: "1000000",
    }),
    probe: {
      method: "GET",
      path: "/v1/identity",
      headers: { metadata: "true" },
      healthy: (status, body) => {
        const want = JSON.stringify({
          namespace: "vms",
          serviceAccountName: "builder",
          vmName: "web-1",
        });
        if (status !== 200 || JSON.stringify(body) !== want)
          throw new Error(`imds-server is not healthy: ${status} ${JSON.stringify(body)}`);
      },
    },
  },
  "pci-passthrough": {
    cluster: CLUSTER,
    env: () => ({
      PCI_PASSTHROUGH_ERROR_HANDLING: "reject",
      ADD_TRACKING_ANNOTATIONS: "true",
      PCI_MAX_DEVICES: "8",
      CLUSTER_CACHE_TTL_MS: "15000",
      CLUSTER_LOOKUP_DEADLINE_MS: "3000",
    }),
    admission: {
      paths: [
        "/spec/template/spec/domain/devices/hostDevices",
        "/spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms",
      ],
      values: [
        "0000:65:00.0",
        "0000:31:02.0",
        "0000:ca:00.0",
        "0000:65:00.0,0000:31:02.0",
        "nvidia.com/GA102GL_A10",
        "intel.com/X710_VF",
        '{"devices": ["0000:65:00.0", "nvidia.com/GA102GL_A10"]}',
        "0000:99:00.0",
        "",
      ],
      sample: () => one("pci-passthrough.yaml"),
    },
  },
  "gpu-device-plugin": {
    cluster: CLUSTER,
    env: () => ({
      GPU_DEVICE_PLUGIN_ERROR_HANDLING: "reject",
      ADD_TRACKING_ANNOTATIONS: "true",
      GPU_MODE: "gpus",
      GPU_ALLOWED_PLUGINS: "",
      GPU_MAX_DEVICES: "16",
      CLUSTER_CACHE_TTL_MS: "15000",
      CLUSTER_LOOKUP_DEADLINE_MS: "3000",
    }),
    admission: {
      paths: ["/spec/template/spec/domain/devices/gpus"],
      values: [
        "nvidia.com/GA102GL_A10=2",
        "nvidia.com/GA102GL_A10",
        "nvidia.com/GA102GL_A10=1,intel.com/X710_VF=1",
        "nvidia.com/GA102GL_A10=0",
        "nvidia.com/GA102GL_A10=17",
        "amd.com/NOT_PERMITTED=1",
        "",
      ],
      sample: () => one("gpu-device-plugin.yaml"),
    },
  },
  "vbios-injection": {
    // The hook ConfigMap is there already: the answer computed in-process (harness.ts) has no
    // writer, so the sample must be one the function only reads for.
    cluster: [
      ...example("vbios-injection-cluster.yaml"),
      ...example("vbios-rom.yaml"),
      hookConfigMap("default"),
    ],
    env: () => ({
      VBIOS_INJECTION_ERROR_HANDLING: "reject",
      ADD_TRACKING_ANNOTATIONS: "true",
      CLUSTER_CACHE_TTL_MS: "15000",
      CLUSTER_LOOKUP_DEADLINE_MS: "3000",
    }),
    admission: {
      paths: [
        "/spec/template/spec/volumes",
        "/spec/template/spec/domain/devices/disks",
        "/spec/template/metadata/annotations/hooks.kubevirt.io~1hookSidecars",
        "/spec/template/metadata/annotations/vm-feature-manager.io~1vbios-rom",
      ],
      values: ["phoenix-vbios", "missing-rom", "", "Phoenix_VBIOS"],
      sample: () => one("vbios-injection.yaml"),
    },
    // The hook ConfigMap missing (create), then outdated (update by name).
    exerciseWrites: async (api, sendSample) => {
      const hook = hookConfigMap("default");
      api.remove({ apiVersion: "v1", kind: "ConfigMap" }, "default", hook.metadata?.name ?? "");
      await sendSample();
      api.put({ ...hook, data: { onDefineDomain: "outdated" } } as FakeObject);
      await sendSample();
    },
  },
  "macvtap-capabilities": {
    cluster: [],
    env: () => ({
      MACVTAP_CAPABILITIES_ERROR_HANDLING: "reject",
      ADD_TRACKING_ANNOTATIONS: "true",
    }),
    admission: {
      paths: ["/spec/containers/*/securityContext", "/spec/initContainers/*/securityContext"],
      values: ["enabled", "disabled", "true", "false", "on", "off", "maybe"],
      sample: () => one("launcher-pod-macvtap.yaml"),
    },
  },
  "imds-injector": {
    cluster: CLUSTER,
    env: () => ({
      IMDS_INJECTOR_ERROR_HANDLING: "reject",
      ADD_TRACKING_ANNOTATIONS: "true",
      IMDS_INJECTOR_SIDECAR_MODE: "native",
      IMDS_INJECTOR_IMAGE: "",
      IMDS_INJECTOR_TOKEN_AUDIENCE: "",
      IMDS_INJECTOR_TOKEN_EXPIRATION_SECONDS: "",
      CLUSTER_CACHE_TTL_MS: "15000",
      CLUSTER_LOOKUP_DEADLINE_MS: "3000",
    }),
    admission: {
      paths: ["/spec/initContainers", "/spec/containers", "/spec/volumes", "/spec/resources"],
      values: ["true", "false", "enabled", "yes", ""],
      sample: () => one("launcher-pod-imds.yaml"),
    },
  },
  "machine-controller": {
    // A Metacontroller hook: everything it needs comes in the request; it never calls the API.
    offline: true,
    cluster: [],
    probe: {
      method: "POST",
      path: "/sync",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(
        hookRequest(machine({ template: "small" }), { related: machineCluster() }),
      ),
      healthy: (status, body) => {
        const children = (body as Record<string, unknown> | null)?.["children"];
        if (status !== 200 || !Array.isArray(children) || children.length === 0)
          fail("machine-controller", status, body);
      },
    },
  },
};
