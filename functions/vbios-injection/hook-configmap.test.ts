import { expect } from "chai";
import { readFileSync } from "node:fs";
import { ClusterError, FeatureError } from "../../shared/basics/errors.ts";
import { CONFIG_MAP } from "../../shared/kube/kinds.ts";
import { connectObjects } from "../../shared/kube/api-reads.ts";
import type { ClusterReader } from "../../shared/kube/reader.ts";
import { snapshotReader } from "../../shared/kube/snapshot-reader.ts";
import type { FakeObject } from "../../test/helpers/fake-kube-api.ts";
import { FakeKubeApi, useKubeconfig } from "../../test/helpers/fake-kube-api.ts";
import {
  liveHookWriter,
  ensureHookConfigMap,
  hookConfigMap,
  rememberedHooks,
} from "./hook-configmap.ts";

const PROGRAM = readFileSync(new URL("./hook/on-define-domain.py", import.meta.url), "utf8");
const PATH = "/api/v1/namespaces/gaming/configmaps";
const signal = (): AbortSignal => AbortSignal.timeout(2000);

describe("the hook ConfigMap, written through the live writer (node:https on client-node's configuration)", () => {
  let api: FakeKubeApi;
  let restore: () => void;
  let live: ClusterReader;

  beforeEach(async () => {
    api = new FakeKubeApi();
    await api.start();
    restore = useKubeconfig(api);
    live = await connectObjects();
  });
  afterEach(async () => {
    restore();
    await api.stop();
  });

  const stored = (): FakeObject | undefined =>
    api.object(CONFIG_MAP, "gaming", "vbios-injection-hook");
  const writes = (): string[][] =>
    api.requests.filter((r) => r.method !== "GET").map((r) => [r.method, r.path]);

  it("should hold the shipped hook program, labelled as the function's", () => {
    expect(hookConfigMap("gaming")).to.deep.equal({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "vbios-injection-hook",
        namespace: "gaming",
        labels: {
          "app.kubernetes.io/managed-by": "vm-feature-functions",
          "app.kubernetes.io/component": "vbios-injection-hook",
        },
      },
      data: { onDefineDomain: PROGRAM },
    });
  });

  it("should create it when absent, with exactly that content", async () => {
    expect(await ensureHookConfigMap(live, liveHookWriter(), "gaming", signal())).to.equal(
      "created",
    );
    expect(writes()).to.deep.equal([["POST", PATH]]);
    const { resourceVersion, ...metadata } = stored()?.metadata ?? { name: "" };
    expect(resourceVersion).to.be.a("string");
    expect({ ...stored(), metadata }).to.deep.equal(hookConfigMap("gaming"));
  });

  it("should only read it when it is current", async () => {
    api.put(hookConfigMap("gaming") as FakeObject);
    expect(await ensureHookConfigMap(live, liveHookWriter(), "gaming", signal())).to.equal(
      "current",
    );
    expect(writes()).to.deep.equal([]);
  });

  it("should replace an outdated one", async () => {
    api.put({ ...(hookConfigMap("gaming") as FakeObject), data: { onDefineDomain: "old" } });
    expect(await ensureHookConfigMap(live, liveHookWriter(), "gaming", signal())).to.equal(
      "updated",
    );
    expect(writes()).to.deep.equal([["PUT", `${PATH}/vbios-injection-hook`]]);
    expect(stored()?.["data"]).to.deep.equal({ onDefineDomain: PROGRAM });
  });

  it("should count one another replica created meanwhile as current (409)", async () => {
    api.put(hookConfigMap("gaming") as FakeObject);
    const stale = snapshotReader([]);
    expect(await ensureHookConfigMap(stale, liveHookWriter(), "gaming", signal())).to.equal(
      "current",
    );
    expect(writes()).to.deep.equal([["POST", PATH]]);
  });

  it("should create it again when it was deleted since a cached read (404 on replace)", async () => {
    const old = { ...hookConfigMap("gaming"), data: { onDefineDomain: "old" } };
    const stale = snapshotReader([old]);
    expect(await ensureHookConfigMap(stale, liveHookWriter(), "gaming", signal())).to.equal(
      "created",
    );
    expect(writes()).to.deep.equal([
      ["PUT", `${PATH}/vbios-injection-hook`],
      ["POST", PATH],
    ]);
  });

  // The shared reader caches its 404 for the cache's lifetime; without the memory every VM of the
  // namespace admitted meanwhile sent a create (and got a 409).
  it("should not write again in a namespace it wrote in, until the reader's cache has expired", async () => {
    const cachedAbsent = snapshotReader([]);
    let clock = 0;
    const ensure = rememberedHooks(liveHookWriter(), 15_000, () => clock);
    const outcomes = [await ensure(cachedAbsent, "gaming", signal())];
    clock = 14_999;
    outcomes.push(await ensure(cachedAbsent, "gaming", signal()));
    outcomes.push(await ensure(cachedAbsent, "gaming", signal()));
    expect(writes()).to.deep.equal([["POST", PATH]]);
    clock = 15_000;
    outcomes.push(await ensure(cachedAbsent, "gaming", signal()));
    expect(outcomes).to.deep.equal(["created", "current", "current", "current"]);
    // After the memory: checked again (here the stale read says absent, and the API a 409).
    expect(writes()).to.deep.equal([
      ["POST", PATH],
      ["POST", PATH],
    ]);
  });

  it("should remember each namespace on its own", async () => {
    const ensure = rememberedHooks(liveHookWriter(), 15_000, () => 0);
    await ensure(snapshotReader([]), "gaming", signal());
    await ensure(snapshotReader([]), "render", signal());
    expect(writes()).to.deep.equal([
      ["POST", PATH],
      ["POST", "/api/v1/namespaces/render/configmaps"],
    ]);
  });

  it("should never overwrite a ConfigMap of that name it did not make", async () => {
    api.setConfigMap("gaming", "vbios-injection-hook", { mine: "yes" });
    const error = await ensureHookConfigMap(live, liveHookWriter(), "gaming", signal()).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(FeatureError);
    expect(writes()).to.deep.equal([]);
  });

  it("should name the RBAC and the policy when the API refuses the write", async () => {
    const absent = snapshotReader([]);
    api.mode = "forbidden";
    const error = await ensureHookConfigMap(absent, liveHookWriter(), "gaming", signal()).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ClusterError);
    expect([(error as ClusterError).message, (error as ClusterError).fix]).to.deep.equal([
      "the Kubernetes API refused to let the function create ConfigMap gaming/vbios-injection-hook (HTTP 403)",
      "apply the RBAC and the ValidatingAdmissionPolicy in knative/vbios-injection.yaml (configmaps: create; get, update on vbios-injection-hook)",
    ]);
  });

  it("should say which write failed when the API fails", async () => {
    const outdated = snapshotReader([{ ...hookConfigMap("gaming"), data: {} }]);
    api.mode = "error";
    const error = await ensureHookConfigMap(outdated, liveHookWriter(), "gaming", signal()).catch(
      (e: unknown) => e,
    );
    expect((error as ClusterError).message).to.equal(
      "could not update ConfigMap gaming/vbios-injection-hook through the Kubernetes API (HTTP 500)",
    );
  });

  it("should give up at the deadline when the API hangs", async () => {
    api.mode = "hang";
    const error = await ensureHookConfigMap(
      snapshotReader([]),
      liveHookWriter(),
      "gaming",
      AbortSignal.timeout(200),
    ).catch((e: unknown) => e);
    expect((error as ClusterError).message).to.equal(
      "creating ConfigMap gaming/vbios-injection-hook through the Kubernetes API took longer than the lookup deadline",
    );
  });
});
