// What the bench sends each function: its declaration (functions/<name>/declaration.ts) says it
// with the helpers here. Every function in functions/targets.ts is benchmarked from its
// declaration; one without a bench input is reported as "no bench input" (never skipped
// silently). An admission function's request is an AdmissionReview (CREATE, admission.k8s.io/v1) wrapping its example object from examples/,
// with the annotations changed where a case needs it, as the API server sends it through
// queue-proxy. The cluster the functions read is examples/cluster.yaml plus every other object in
// the function's example file, served over TLS by the project's local API server.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { AdmissionReview } from "../../shared/admission/types.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import { pluralOf } from "../../shared/kube/kinds.ts";
import { parseObjects } from "../../shared/preview/snapshot.ts";
import { DECLARED } from "../../functions/declarations.ts";
import { KNOWN_KINDS } from "../../test/helpers/fake-kube-api.ts";
import type { BenchRequest } from "./process.ts";

const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));

export interface BenchInput {
  /** A first request that makes the function read the cluster (cold start "with a read"). */
  withRead?: BenchRequest;
  /** A first request the function answers without reading the cluster. */
  withoutRead?: BenchRequest;
  /** Sent under load; defaults to withRead, else withoutRead (reads are cached, as live). */
  load?: BenchRequest;
  /** Objects the function's cluster holds besides examples/cluster.yaml. */
  cluster: KubeObject[];
  /** Settings the function's Knative Service gives it, where the defaults do not fit here. */
  env?: Record<string, string>;
  /** The function answers 503 until work of its own is done: ask again until it answers 200. */
  poll?: boolean;
}

export interface AdmissionCase {
  /** The example file (in examples/) whose object is reviewed. */
  example: string;
  /** Which object of the file, when it holds several (default: the first VirtualMachine or Pod). */
  kind?: string;
  /** Annotations set on the object for the case without a cluster read. */
  withoutRead?: Record<string, string>;
  /** The example itself needs no cluster read: it is the case without one, and there is no other. */
  readsNothing?: boolean;
}

/** What a function's declaration builds its bench input with. */
export interface BenchKit {
  /** The review and cluster for an admission function, from its example. */
  admission(spec: AdmissionCase): BenchInput;
  /** The objects of an examples/ file. */
  example(file: string): KubeObject[];
}

/**
 * Every function's bench input, as its folder declares it (functions/<name>/declaration.ts).
 * Admission functions: `admission({ example, ... })`. Others say what to send. A function whose
 * `reads` is empty has no case with a read; one whose example needs no read says `readsNothing`.
 */
export const BENCH_INPUTS: Readonly<Record<string, () => BenchInput | Promise<BenchInput>>> =
  Object.fromEntries(
    DECLARED.flatMap(({ name, bench }) =>
      bench ? [[name, () => bench({ admission, example })] as const] : [],
    ),
  );

export function example(file: string): KubeObject[] {
  return parseObjects(readFileSync(`${EXAMPLES}${file}`, "utf8"), file);
}

/** The review and cluster for an admission function, from its example. */
export function admission(spec: AdmissionCase): BenchInput {
  const objects = example(spec.example);
  const wanted = spec.kind ? [spec.kind] : ["VirtualMachine", "Pod"];
  const object = objects.find((o) => wanted.includes(o.kind ?? ""));
  if (!object) throw new Error(`examples/${spec.example} holds no ${wanted.join(" or ")}`);
  const cluster = objects.filter((o) => o !== object);
  const review = post(reviewOf(object));
  if (spec.readsNothing) return { withoutRead: review, cluster };
  if (!spec.withoutRead) return { withRead: review, cluster };
  const annotations = { ...object.metadata?.annotations, ...spec.withoutRead };
  const plain = { ...object, metadata: { ...object.metadata, annotations } };
  return { withRead: review, withoutRead: post(reviewOf(plain)), cluster };
}

export function reviewOf(object: KubeObject): AdmissionReview {
  const [group, version] = splitApiVersion(object.apiVersion ?? "v1");
  const kind = object.kind ?? "";
  const served = KNOWN_KINDS.find((k) => k.apiVersion === object.apiVersion && k.kind === kind);
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: "705ab4f5-6393-11e8-b7cc-42010a800002",
      kind: { group, version, kind },
      resource: {
        group,
        version,
        resource: served?.plural ?? pluralOf({ apiVersion: object.apiVersion ?? "", kind }),
      },
      name: object.metadata?.name ?? "",
      namespace: object.metadata?.namespace ?? "default",
      operation: "CREATE",
      userInfo: {
        username: "system:serviceaccount:default:deployer",
        groups: ["system:authenticated"],
      },
      object,
      oldObject: null,
      dryRun: false,
    },
  };
}

function splitApiVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? ["", apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

function post(review: AdmissionReview): BenchRequest {
  return {
    method: "POST",
    path: "/",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(review),
  };
}

/**
 * What the floors answer: the review of the VirtualMachine in examples/nested-virt-annotation.yaml
 * (about the size of every function's review; they parse it and answer it allowed).
 */
export function floorReview(): BenchRequest {
  const request = admission({
    example: "nested-virt-annotation.yaml",
    readsNothing: true,
  }).withoutRead;
  if (!request) throw new Error("no floor review");
  return request;
}

/** The cluster every function sees: examples/cluster.yaml. */
export function baseCluster(): KubeObject[] {
  return parseObjects(readFileSync(`${EXAMPLES}cluster.yaml`, "utf8"), "examples/cluster.yaml");
}
