import fc from "fast-check";
import type { Arbitrary } from "fast-check";
import type { KubeObject } from "../../shared/admission/types.ts";
import { configMapObject, nodeObject } from "../helpers/cluster.ts";
import { fakeHost } from "../../functions/cpu-labeller/fixtures/host.ts";
import { virtualMachine } from "../helpers/review.ts";

// The reliability suite's one table: a line per function. Every name in functions/targets.ts must
// have a line (a test says so), and a line for a feature in functions/mutators.ts makes the
// property, bad-input, fault, load, SIGTERM and least-privilege tests cover it. A new function
// joins with one line here.

/** One HTTP exchange with a function, and what its healthy answer must be. */
export interface Probe {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
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
};
