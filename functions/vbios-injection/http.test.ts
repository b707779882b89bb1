import { expect } from "chai";
import { readFileSync } from "node:fs";
import type { AdmissionReviewResponse } from "../../shared/admission/types.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import { CONFIG_MAP } from "../../shared/kube/kinds.ts";
import { kubevirtCr, romConfigMap, romVm } from "./fixtures/cluster.ts";
import type { FakeObject } from "../../test/helpers/fake-kube-api.ts";
import { FakeKubeApi } from "../../test/helpers/fake-kube-api.ts";
import type { RunningFunction } from "../../test/helpers/function-process.ts";
import {
  clusterClientLoaded,
  postJson,
  startFunction,
} from "../../test/helpers/function-process.ts";
import { admissionReview, applyResponse } from "../../test/helpers/review.ts";

const PROGRAM = readFileSync(new URL("./hook/on-define-domain.py", import.meta.url), "utf8");

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 150));

async function review(fn: RunningFunction, body: unknown): Promise<AdmissionReviewResponse> {
  const res = await postJson(fn.url, body);
  expect(res.status).to.equal(200);
  return res.body as AdmissionReviewResponse;
}

// The same tests for the sources (main.ts) and for the image's bundle (dist/main.js, built by
// `npm test` before mocha): the bundle must carry the hook program inlined, with no file beside it.
for (const entry of ["main.ts", "dist/main.js"]) {
  describe(`vbios-injection over HTTP (${entry})`, () => {
    const api = new FakeKubeApi();
    let fn: RunningFunction;

    before(async () => {
      await api.start();
      fn = await startFunction(
        "vbios-injection",
        { KUBECONFIG: api.writeKubeconfig(), CLUSTER_CACHE_TTL_MS: "100" },
        entry,
      );
      await clusterClientLoaded(fn);
    });
    after(async () => {
      await fn.stop();
      await api.stop();
    });
    // Each test starts from this cluster, once the function's cached answers (100 ms) are stale.
    beforeEach(async () => {
      api.mode = "ok";
      api.clear(CONFIG_MAP);
      api.put(romConfigMap("default", "phoenix-vbios") as FakeObject);
      api.put(kubevirtCr() as FakeObject);
      await settle();
    });

    const hookConfigMap = (): FakeObject | undefined =>
      api.object(CONFIG_MAP, "default", "vbios-injection-hook");
    const writes = (from: number): string[] =>
      api.requests
        .slice(from)
        .filter((r) => r.method !== "GET")
        .map((r) => `${r.method} ${r.path}`);

    it("should inject the ROM and create the hook ConfigMap holding the shipped program", async () => {
      const vm = romVm();
      const before = api.requests.length;
      const body = await review(fn, admissionReview(vm, { uid: "v-1" }));
      expect(body.response.uid).to.equal("v-1");
      const result = applyResponse(vm, body.response);
      expect(result.spec?.template?.spec?.volumes).to.deep.equal([
        { name: "vbios-rom", configMap: { name: "phoenix-vbios" } },
      ]);
      expect(writes(before)).to.deep.equal(["POST /api/v1/namespaces/default/configmaps"]);
      expect(hookConfigMap()?.["data"]).to.deep.equal({ onDefineDomain: PROGRAM });
    });

    it("should answer its own output with no patch and no write", async () => {
      const vm = romVm();
      const first = applyResponse(vm, (await review(fn, admissionReview(vm))).response);
      await settle();
      const before = api.requests.length;
      const again = await review(fn, admissionReview(first, { operation: "UPDATE" }));
      expect(again.response.patch).to.equal(undefined);
      expect(again.response.allowed).to.equal(true);
      expect(writes(before)).to.deep.equal([]);
    });

    it("should write nothing on a dry run", async () => {
      const before = api.requests.length;
      const body = await review(fn, admissionReview(romVm(), { dryRun: true }));
      expect(body.response.patch).to.not.equal(undefined);
      expect(writes(before)).to.deep.equal([]);
      expect(hookConfigMap()).to.equal(undefined);
    });

    it("should deny with the gate to enable when Sidecar is off", async () => {
      api.put(kubevirtCr(["HostDevices"]) as FakeObject);
      await settle();
      const vm: VirtualMachine = romVm({}, { gpus: [{ name: "gpu0", deviceName: "x.com/Y" }] });
      const body = await review(fn, admissionReview(vm));
      expect(body.response.allowed).to.equal(false);
      expect(body.response.status?.message).to.match(
        /^vbios-injection: the KubeVirt CR kubevirt\/kubevirt does not enable the Sidecar feature gate/,
      );
      expect(hookConfigMap()).to.equal(undefined);
    });

    it("should deny, naming the RBAC, when the API refuses to let it see the hook ConfigMap", async () => {
      // A namespace of its own, so that no earlier answer about its hook ConfigMap is cached.
      const vm = { ...romVm(), metadata: { ...romVm().metadata, namespace: "lab" } };
      api.put(romConfigMap("lab", "phoenix-vbios") as FakeObject);
      await review(fn, admissionReview(vm, { dryRun: true }));
      api.mode = "forbidden";
      const body = await review(fn, admissionReview(vm));
      expect(body.response.status?.message).to.equal(
        "vbios-injection: the Kubernetes API refused to let the function read ConfigMap lab/vbios-injection-hook (HTTP 403). " +
          "Fix: grant the function's ServiceAccount the RBAC in knative/ (get/list on that resource)",
      );
    });
  });
}
