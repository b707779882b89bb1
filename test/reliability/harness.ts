import { expect } from "chai";
import { mutators } from "../../functions/mutators.ts";
import { admit } from "../../shared/admission/admit.ts";
import type { Feature } from "../../shared/admission/feature.ts";
import { toReviewResponse } from "../../shared/admission/response.ts";
import { settingsFromEnv } from "../../shared/admission/settings.ts";
import type { AdmissionReviewResponse } from "../../shared/admission/types.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import { snapshotReader } from "../../shared/kube/snapshot-reader.ts";
import { FakeKubeApi } from "../helpers/fake-kube-api.ts";
import type { FakeObject } from "../helpers/fake-kube-api.ts";
import { startFunction } from "../helpers/function-process.ts";
import type { RunningFunction } from "../helpers/function-process.ts";
import { admissionReview } from "../helpers/review.ts";
import type { FunctionLine } from "./line.ts";
import { FUNCTIONS } from "./functions.ts";

// Runs a table line's function as its container does, against its own local API server.

/** One request of a test, and the check of its healthy answer. */
export interface Exchange {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
  healthy(status: number, body: unknown): void;
  faulty(status: number, body: unknown, cause: RegExp): void;
}

export interface Running {
  name: string;
  line: FunctionLine;
  api: FakeKubeApi;
  fn: RunningFunction;
  env: Record<string, string>;
  feature?: Feature;
  send(exchange: Exchange): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

export function featureNamed(name: string): Feature | undefined {
  return mutators.map((make) => make()).find((f) => f.name === name);
}

/** Every line, with the feature when it is a mutator. */
export function lines(): { name: string; line: FunctionLine; feature?: Feature }[] {
  return Object.entries(FUNCTIONS).map(([name, line]) => {
    const feature = featureNamed(name);
    return { name, line, ...(feature ? { feature } : {}) };
  });
}

/** Whether the function reads or writes the cluster at all. */
export function usesCluster(line: FunctionLine, feature: Feature | undefined): boolean {
  if (feature) return feature.reads.length > 0;
  return line.offline !== true;
}

export async function startLine(
  name: string,
  extraEnv: Record<string, string> = {},
): Promise<Running> {
  const line = FUNCTIONS[name];
  if (!line)
    throw new Error(
      `no reliability line for ${name}: declare one in functions/${name}/declaration.ts`,
    );
  const api = new FakeKubeApi();
  await api.start();
  for (const object of line.cluster) api.put(object as FakeObject);
  const env = {
    KUBECONFIG: api.writeKubeconfig(),
    LOG_LEVEL: "warn",
    ...line.env?.(),
    ...extraEnv,
  };
  const fn = await startFunction(name, env, line.entry);
  const feature = featureNamed(name);
  const running: Running = {
    name,
    line,
    api,
    fn,
    env,
    ...(feature ? { feature } : {}),
    send: (exchange) => send(fn.url, exchange),
    stop: async () => {
      await fn.stop();
      await api.stop();
    },
  };
  await untilHealthy(running);
  return running;
}

async function send(url: string, exchange: Exchange): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}${exchange.path}`, {
    method: exchange.method,
    headers: exchange.headers,
    ...(exchange.body === undefined ? {} : { body: exchange.body }),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as unknown };
}

/** Waits for the first healthy answer: client-node loading, cpu-labeller's first publish. */
export async function untilHealthy(running: Running, timeoutMs = 15_000): Promise<void> {
  const exchange = await sampleExchange(running);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await running.send(exchange);
    try {
      exchange.healthy(answer.status, answer.body);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** The line's probe, or for a feature a review of its sample with the answer computed in-process. */
export async function sampleExchange(running: Running, object?: KubeObject): Promise<Exchange> {
  const { line, feature, name } = running;
  if (!feature || !line.admission) {
    const probe = line.probe;
    if (!probe) throw new Error(`${name}: its line needs a probe`);
    return {
      method: probe.method,
      path: probe.path,
      headers: probe.headers ?? {},
      ...(probe.body === undefined ? {} : { body: probe.body }),
      healthy: probe.healthy,
      faulty: probe.faulty ?? (() => expect.fail(`${name} has no fault answer`)),
    };
  }
  const sample = object ?? line.admission.sample();
  // A Pod's review says so: the core ignores a kind its feature does not handle.
  const review = admissionReview(
    sample,
    sample.kind === "Pod"
      ? {
          kind: { group: "", version: "v1", kind: "Pod" },
          resource: { group: "", version: "v1", resource: "pods" },
        }
      : {},
  );
  const decision = await admit(
    feature,
    review.request,
    settingsFromEnv(name, running.env),
    snapshotReader(line.cluster),
  );
  const want = toReviewResponse(review, decision.answer);
  return {
    method: "POST",
    path: "/",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(review),
    healthy: (status, body) => expect({ status, body }).to.deep.equal({ status: 200, body: want }),
    faulty: (status, body, cause) => {
      const response = (body as AdmissionReviewResponse).response;
      expect([status, response.allowed, response.status?.code]).to.deep.equal([200, false, 503]);
      expect(response.status?.message)
        .to.match(new RegExp(`^${name}: `))
        .and.match(cause);
    },
  };
}
