import { expect } from "chai";
import { request } from "node:http";
import type { AdmissionReviewResponse } from "../../shared/admission/types.ts";
import { FakeKubeApi } from "../../test/helpers/fake-kube-api.ts";
import type { RunningFunction } from "../../test/helpers/function-process.ts";
import {
  clusterClientLoaded,
  postReview,
  startFunction,
} from "../../test/helpers/function-process.ts";
import { admissionReview, applyResponse, virtualMachine } from "../../test/helpers/review.ts";

const TRIGGER = "vm-feature-manager.io/nested-virt";
const RULES = { namespace: "vm-feature-functions", name: "nested-virt-rules" };

/**
 * Starts `api` with an Intel node and a KubeVirt-labelled AMD one, then nested-virt pointed at it
 * with `env`, and resolves once the function has loaded client-node.
 */
async function startOnIntelCluster(
  api: FakeKubeApi,
  env: Record<string, string>,
): Promise<RunningFunction> {
  await api.start();
  api.addNode("n1", {
    "cpu.vm-feature-manager.io/vendor": "intel",
    "cpu.vm-feature-manager.io/nested": "true",
  });
  api.addNode("n2", { "cpu-vendor.node.kubevirt.io/AMD": "true" });
  const fn = await startFunction("nested-virt", { KUBECONFIG: api.writeKubeconfig(), ...env });
  await clusterClientLoaded(fn);
  return fn;
}

const review = (fn: RunningFunction, body: unknown): Promise<AdmissionReviewResponse> =>
  postReview(fn.url, body);

describe("nested-virt over HTTP", () => {
  const api = new FakeKubeApi();
  let fn: RunningFunction;

  before(async () => {
    fn = await startOnIntelCluster(api, {
      CLUSTER_CACHE_TTL_MS: "200",
      CLUSTER_LOOKUP_DEADLINE_MS: "500",
    });
  });
  after(async () => {
    await fn.stop();
    await api.stop();
  });
  beforeEach(() => {
    api.mode = "ok";
    api.clear({ apiVersion: "v1", kind: "ConfigMap" });
  });

  it("should answer health without the cluster", async () => {
    api.mode = "hang";
    const res = await fetch(`${fn.url}/healthz`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ status: "ok", function: "nested-virt" });
  });

  it("should patch a VM that asks by annotation, in the request's apiVersion and uid", async () => {
    const vm = virtualMachine({ annotations: { [TRIGGER]: "enabled" } });
    const body = await review(
      fn,
      admissionReview(vm, { apiVersion: "admission.k8s.io/v1beta1", uid: "u-1" }),
    );
    expect(body.apiVersion).to.equal("admission.k8s.io/v1beta1");
    expect(body.response.uid).to.equal("u-1");
    const result = applyResponse(vm, body.response);
    expect(result.spec?.template?.spec?.domain?.cpu).to.deep.equal({
      features: [{ name: "vmx", policy: "require" }],
    });
  });

  it("should apply a ConfigMap edit without a restart", async () => {
    const vm = virtualMachine({ name: "test-1" });
    expect((await review(fn, admissionReview(vm))).response.patch).to.equal(undefined);
    api.setConfigMap(RULES.namespace, RULES.name, { default: "^test-" });
    await new Promise((resolve) => setTimeout(resolve, 250));
    const body = await review(fn, admissionReview(vm));
    expect(applyResponse(vm, body.response).spec?.template?.spec?.domain?.cpu).to.deep.equal({
      features: [{ name: "vmx", policy: "require" }],
    });
  });

  it("should cause no write to the cluster on a dry run", async () => {
    const before = api.requests.length;
    const vm = virtualMachine({ annotations: { [TRIGGER]: "yes" } });
    const body = await review(fn, admissionReview(vm, { dryRun: true }));
    expect(body.response.patch).to.not.equal(undefined);
    expect(api.requests.slice(before).every((r) => r.method === "GET")).to.equal(true);
  });

  it("should log one JSON line per admission", async () => {
    const vm = virtualMachine({ name: "logged", annotations: { [TRIGGER]: "svm" } });
    await review(fn, admissionReview(vm, { uid: "log-uid" }));
    await fn.waitForLog((l) => l["uid"] === "log-uid");
    const lines = fn.logLines().filter((l) => l["uid"] === "log-uid");
    expect(lines).to.have.length(1);
    const { time, durationMs, ...rest } = lines[0] ?? {};
    expect(time).to.be.a("string");
    expect(durationMs).to.be.a("number");
    expect(rest).to.deep.equal({
      level: "info",
      msg: "admission",
      feature: "nested-virt",
      uid: "log-uid",
      kind: "VirtualMachine",
      operation: "CREATE",
      namespace: "default",
      name: "logged",
      dryRun: false,
      result: "patched",
      patchOps: 2,
    });
  });

  describe("when the body is not a usable review", () => {
    const cases: { name: string; init: RequestInit; status: number; body: unknown }[] = [
      {
        name: "malformed JSON",
        init: {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"apiVersion":',
        },
        status: 400,
        body: { error: "malformed_body", message: "the body is not valid JSON" },
      },
      {
        name: "not JSON at all",
        init: { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" },
        status: 400,
        body: {
          error: "bad_content_type",
          message: "nested-virt: send the AdmissionReview as application/json",
        },
      },
      {
        name: "a JSON value that is no review",
        init: { method: "POST", headers: { "content-type": "application/json" }, body: "[1,2]" },
        status: 400,
        body: {
          error: "invalid_review",
          message: "nested-virt: invalid AdmissionReview: (root) must be object",
        },
      },
      {
        name: "a PUT",
        init: { method: "PUT", headers: { "content-type": "application/json" }, body: "{}" },
        status: 405,
        body: {
          error: "method_not_allowed",
          message: "nested-virt: use POST with an AdmissionReview",
        },
      },
    ];
    for (const tc of cases) {
      it(`should answer ${tc.status} with a JSON error when given ${tc.name}`, async () => {
        const res = await fetch(fn.url, tc.init);
        expect(res.status).to.equal(tc.status);
        expect(await res.json()).to.deep.equal(tc.body);
      });
    }

    // The answer comes before the body is sent, so the client may see EPIPE while writing: read
    // the response with node:http, which surfaces it regardless.
    function sendUnread(
      headers: Record<string, string | number>,
    ): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        const req = request(
          fn.url,
          { method: "POST", headers: { "content-type": "application/json", ...headers } },
          (res) => {
            let body = "";
            res.on("data", (chunk: Buffer) => (body += chunk.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on("error", (error) =>
          (error as NodeJS.ErrnoException).code === "EPIPE" ? undefined : reject(error),
        );
        req.write("x".repeat(64 * 1024));
      });
    }

    it("should refuse an oversized body with 400 before reading it", async () => {
      const answer = await sendUnread({ "content-length": 8 * 1024 * 1024 });
      expect(answer.status).to.equal(400);
      expect(JSON.parse(answer.body)).to.deep.equal({
        error: "body_too_large",
        message: "the body exceeds 7340032 bytes",
      });
    });

    it("should refuse a body without Content-Length with 400, so its size is known before reading", async () => {
      const answer = await sendUnread({ "transfer-encoding": "chunked" });
      expect(answer.status).to.equal(400);
      expect(JSON.parse(answer.body)).to.deep.equal({
        error: "length_required",
        message: "send the body with a Content-Length header",
      });
    });

    it("should still serve after bad input", async () => {
      const res = await fetch(`${fn.url}/healthz`);
      expect(res.status).to.equal(200);
    });
  });
});

describe("nested-virt when the cluster cannot be read", () => {
  const api = new FakeKubeApi();
  let fn: RunningFunction;
  before(async () => {
    fn = await startOnIntelCluster(api, { CLUSTER_LOOKUP_DEADLINE_MS: "500" });
  });
  after(async () => {
    await fn.stop();
    await api.stop();
  });

  it("should deny with a clear message when the API refuses", async () => {
    api.mode = "forbidden";
    const body = await review(
      fn,
      admissionReview(virtualMachine({ annotations: { [TRIGGER]: "1" } })),
    );
    expect(body.response.allowed).to.equal(false);
    expect(body.response.status?.code).to.equal(503);
    expect(body.response.status?.message).to.equal(
      "nested-virt: the Kubernetes API refused to let the function read nodes (HTTP 403). " +
        "Fix: grant the function's ServiceAccount the RBAC in knative/ (get/list on that resource)",
    );
  });

  it("should answer within the lookup deadline when the API hangs", async () => {
    api.mode = "hang";
    const started = Date.now();
    const body = await review(fn, admissionReview(virtualMachine({ name: "fresh" })));
    expect(Date.now() - started).to.be.lessThan(1500);
    expect(body.response.allowed).to.equal(false);
    expect(body.response.status?.message).to.equal(
      "nested-virt: reading ConfigMap vm-feature-functions/nested-virt-rules from the Kubernetes API took longer than the lookup deadline. " +
        "Fix: check the API server's health, or raise CLUSTER_LOOKUP_DEADLINE_MS (keep it under the webhook timeoutSeconds)",
    );
  });
});

describe("nested-virt with an unreachable cluster", () => {
  let fn: RunningFunction;
  before(async () => {
    const api = new FakeKubeApi();
    await api.start();
    const kubeconfig = api.writeKubeconfig();
    await api.stop();
    fn = await startFunction("nested-virt", {
      KUBECONFIG: kubeconfig,
      NESTED_VIRT_ERROR_HANDLING: "allow-and-log",
      // On a loaded host client-node's first load can outlast the 3 s default, and this test is
      // about the refused connection, not the deadline.
      CLUSTER_LOOKUP_DEADLINE_MS: "15000",
    });
  });
  after(() => fn.stop());

  it("should admit with the error annotation under allow-and-log, naming the fix", async () => {
    const vm = virtualMachine({ annotations: { [TRIGGER]: "enabled" } });
    const body = await review(fn, admissionReview(vm));
    expect(body.response.allowed).to.equal(true);
    const message = applyResponse(vm, body.response).metadata?.annotations?.[
      "vm-feature-manager.io/nested-virt-error"
    ];
    expect(message).to.match(
      /^nested-virt: could not reach the Kubernetes API to read nodes \(ECONNREFUSED\)\. Fix: check that the API server is reachable/,
    );
    expect(body.response.warnings).to.deep.equal([message]);
  });
});

// A function that reads the cluster loads its client (client-node, ~33 ms) in the background once
// it has a request to answer, never on a timer from start-up: such a timer fired while a slow
// start's first review was still running and held it.
describe("nested-virt's cluster client warm-up", () => {
  const api = new FakeKubeApi();
  let fn: RunningFunction;
  before(async () => {
    await api.start();
    fn = await startFunction("nested-virt", { KUBECONFIG: api.writeKubeconfig() });
  });
  after(async () => {
    await fn.stop();
    await api.stop();
  });

  it("should not load the client before its first request, and load it after answering it", async () => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    const messages = (): unknown[] => fn.logLines().map((l) => l["msg"]);
    expect(messages()).to.not.include("cluster client loaded");
    const vm = virtualMachine({ annotations: { [TRIGGER]: "svm" } });
    expect((await review(fn, admissionReview(vm))).response.allowed).to.equal(true);
    await fn.waitForLog((l) => l["msg"] === "cluster client loaded", 10_000);
    const order = messages().filter((m) => m === "admission" || m === "cluster client loaded");
    expect(order).to.deep.equal(["admission", "cluster client loaded"]);
    expect(api.requests).to.deep.equal([]);
  });
});
