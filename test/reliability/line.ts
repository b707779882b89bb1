import type { Arbitrary } from "fast-check";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { FakeKubeApi } from "../helpers/fake-kube-api.ts";

// A function's line of the reliability suite: each function declares its own
// (functions/<name>/declaration.ts), and a line for an admission function makes the property,
// bad-input, fault, load, SIGTERM and least-privilege tests cover it.

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
  /** Entry point when the function is not served by main.ts (a sidecar). */
  entry?: string;
  /** Set for an admission function; its probe is derived from its sample. */
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
