import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { targets } from "../functions/targets.ts";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { AdmissionReviewResponse } from "../shared/admission/types.ts";
import { loadFragment } from "../shared/imds-sidecar/fragment.ts";
import type { FakeObject } from "./helpers/fake-kube-api.ts";
import { FakeKubeApi } from "./helpers/fake-kube-api.ts";
import type { RunningFunction } from "./helpers/function-process.ts";
import { postJson, startFunction } from "./helpers/function-process.ts";
import { inPodMounts } from "./helpers/pod-mounts.ts";
import { launcherPod, podReview, vmiObject } from "./helpers/launcher-pod.ts";
import { admissionReview, applyResponse, virtualMachine } from "./helpers/review.ts";
import { kubevirtCr, romConfigMap, romVm } from "../functions/vbios-injection/fixtures/cluster.ts";
import { CONFIG_MAP } from "../shared/kube/kinds.ts";

const DIST = fileURLToPath(new URL("../dist/", import.meta.url));
// The load hook that lists the bundle's files a process loaded (BENCH_LOADS_FILE).
const COUNT_LOADS = fileURLToPath(new URL("../scripts/bench/count-loads.ts", import.meta.url));

// The image runs dist/main.js (built by `npm run build`, which `npm test` runs first), with the
// Functions Framework bundled in: this checks the bundle, not the sources, serves a review.
describe("the built bundle (dist/main.js)", () => {
  let fn: RunningFunction;
  before(async () => {
    fn = await startFunction("nested-virt", { KUBECONFIG: "/nonexistent" }, "dist/main.js");
  });
  after(() => fn.stop());

  it("should serve nested-virt from the bundle", async () => {
    const vm = virtualMachine({ annotations: { "vm-feature-manager.io/nested-virt": "svm" } });
    const res = await postJson(fn.url, admissionReview(vm));
    expect(res.status).to.equal(200);
    const result = applyResponse(vm, (res.body as AdmissionReviewResponse).response);
    expect(result.spec?.template?.spec?.domain?.cpu).to.deep.equal({
      features: [{ name: "svm", policy: "require" }],
    });
  });

  it("should serve machine-controller from the bundle, prom-client included", async () => {
    const other = await startFunction("machine-controller", {}, "dist/main.js");
    try {
      const parent = {
        apiVersion: "vitistack.io/v1alpha1",
        kind: "Machine",
        metadata: { name: "m", namespace: "default" },
        spec: { template: "small" },
      };
      const res = await postJson(`${other.url}/sync`, { parent, children: {}, related: {} });
      expect(res.status).to.equal(200);
      expect((res.body as { status: { phase: string } }).status.phase).to.equal("Failed");
      expect(await (await fetch(`${other.url}/metrics`)).text()).to.include(
        "machine_controller_hook_duration_seconds_count",
      );
    } finally {
      await other.stop();
    }
  });

  it("should refuse a target the image does not have, listing the ones it has", async () => {
    const error = await startFunction("no-such", {}, "dist/main.js").catch((e: unknown) => e);
    expect((error as Error).message).to.match(
      /FUNCTION_TARGET="no-such" is not a function of this image; use one of: nested-virt, cpu-labeller/,
    );
  });
});

// imds-injector's chunk carries functions/imds-server/sidecar.yaml as parsed at build time: run from
// a copy of dist/ with no knative/ beside it, it must inject the fragment's sidecar unchanged.
describe("imds-injector from the bundle", () => {
  const api = new FakeKubeApi();
  let fn: RunningFunction;
  before(async () => {
    await api.start();
    api.put(vmiObject() as FakeObject);
    const elsewhere = join(mkdtempSync(join(tmpdir(), "bundle-")), "dist");
    cpSync(DIST, elsewhere, { recursive: true });
    fn = await startFunction(
      "imds-injector",
      { KUBECONFIG: api.writeKubeconfig() },
      join(elsewhere, "main.js"),
    );
  });
  after(async () => {
    await fn.stop();
    await api.stop();
  });

  it("should inject the fragment's sidecar without reading the fragment file", async () => {
    const pod = launcherPod({ annotations: { "imds.kubevirt.io/enabled": "true" } });
    const res = await postJson(fn.url, podReview(pod));
    expect(res.status).to.equal(200);
    const result = applyResponse(pod, (res.body as AdmissionReviewResponse).response);
    expect(result.spec?.initContainers?.at(-1)).to.deep.equal(loadFragment().container);
  });

  it("should carry the fragment as data, read by no file call and parsed by no YAML parser", () => {
    // Each function is a bundle of its own: imds-injector's carries the fragment, and so does
    // every other function that reads it (macvtap-capabilities knows the sidecar by it).
    const files = readdirSync(DIST, { recursive: true, encoding: "utf8" }).filter((f) =>
      f.endsWith(".js"),
    );
    const text = (f: string): string => readFileSync(join(DIST, f), "utf8");
    const holding = files.filter((f) => text(f).includes('"vm-identity.vm-feature-functions.io"'));
    expect(holding).to.include.members([
      join("functions", "imds-injector", "index.js"),
      join("functions", "macvtap-capabilities", "index.js"),
    ]);
    // The bundle reads files of its own (the pod's ServiceAccount), but never the fragment's.
    for (const f of holding)
      expect(text(f), f).to.not.include("../functions/imds-server/sidecar.yaml");
    expect(files.filter((f) => text(f).includes("YAMLParseError"))).to.deep.equal([]);
  });
});

describe("what the built bundle's start materializes of Node's built-ins", () => {
  // What Node loaded of its own modules, on stderr as the process exits.
  const ON_EXIT_LIST_MODULES = `data:text/javascript,${encodeURIComponent(
    'process.on("exit", () => process.stderr.write(JSON.stringify(process.moduleLoadList)))',
  )}`;

  // Durations are read off process.hrtime (monotonicMs): the `performance` global loads
  // node:perf_hooks on its first read, which the first review's log line paid for.
  it("should answer a function's first review without loading node:perf_hooks", async () => {
    const fn = await startFunction(
      "macvtap-capabilities",
      { KUBECONFIG: "/nonexistent", NODE_OPTIONS: `--import ${ON_EXIT_LIST_MODULES}` },
      "dist/main.js",
    );
    const res = await postJson(fn.url, podReview(launcherPod({ annotations: {} })));
    expect(res.status).to.equal(200);
    await fn.stop();
    const loaded = JSON.parse(fn.stderr()) as string[];
    expect(loaded).to.include("NativeModule http");
    expect(loaded.filter((m) => m.endsWith("perf_hooks"))).to.deep.equal([]);
  });
});

describe("the built bundle's --list", () => {
  it("should print every function of the image, one a line, as the compile-cache priming reads them", () => {
    const run = spawnSync(process.execPath, ["dist/main.js", "--list"], { encoding: "utf8" });
    expect([run.status, run.stdout]).to.deep.equal([0, `${Object.keys(targets).join("\n")}\n`]);
  });
});

// The bundle loads client-node through the build's own resolutions (KubeConfig alone, undici on
// first use, built-ins by require): this reads the cluster through them, over TLS, as live.
describe("the built bundle reading the cluster", () => {
  const api = new FakeKubeApi();
  let fn: RunningFunction;
  before(async () => {
    await api.start();
    api.addNode("intel-1", {
      "cpu.vm-feature-manager.io/vendor": "intel",
      "cpu.vm-feature-manager.io/nested": "true",
    });
    fn = await startFunction("nested-virt", { KUBECONFIG: api.writeKubeconfig() }, "dist/main.js");
  });
  after(async () => {
    await fn.stop();
    await api.stop();
  });

  it("should list the nodes with the kubeconfig's credentials and patch the VM from them", async () => {
    const vm = virtualMachine({ annotations: { "vm-feature-manager.io/nested-virt": "enabled" } });
    const res = await postJson(fn.url, admissionReview(vm));
    expect(res.status).to.equal(200);
    const result = applyResponse(vm, (res.body as AdmissionReviewResponse).response);
    expect(result.spec?.template?.spec?.domain?.cpu).to.deep.equal({
      features: [{ name: "vmx", policy: "require" }],
    });
    expect(api.requests.map((r) => [r.method, r.path, r.authorization])).to.deep.equal([
      ["GET", "/api/v1", "Bearer fake-token"],
      ["GET", "/api/v1/nodes", "Bearer fake-token"],
    ]);
  });
});

// What a function loads is what its answers need: every validator is compiled at build time, so
// ajv's compiler (125 kB, and 66 ms to compile the Machine schema) is no part of any function.
// Read from the bundle's own source maps, for the chunks the process loaded.
describe("what the built bundle loads", () => {
  const vm = virtualMachine({ annotations: {} });
  const firstRequest: Record<string, { path: string; body: unknown }> = {
    "machine-controller": {
      path: "/sync",
      body: {
        parent: {
          apiVersion: "vitistack.io/v1alpha1",
          kind: "Machine",
          metadata: { name: "m", namespace: "default" },
          spec: { template: "small" },
        },
        children: {},
        related: {},
      },
    },
  };
  // cpu-labeller answers nothing until it has published its node's labels.
  for (const target of Object.keys(targets).filter((t) => t !== "cpu-labeller")) {
    const { path, body } = firstRequest[target] ?? { path: "", body: admissionReview(vm) };
    it(`should answer ${target}'s first request without loading ajv`, async () => {
      const loads = join(mkdtempSync(join(tmpdir(), "loads-")), "loads");
      const fn = await startFunction(
        target,
        {
          KUBECONFIG: "/nonexistent",
          NODE_OPTIONS: `--import ${COUNT_LOADS}`,
          BENCH_LOADS_FILE: loads,
        },
        "dist/main.js",
      );
      try {
        expect((await postJson(`${fn.url}${path}`, body)).status).to.equal(200);
        // Past the reader's warm-up (100 ms after start), which loads client-node.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(packagesIn(readFileSync(loads, "utf8"))).to.not.include("ajv");
      } finally {
        await fn.stop();
      }
    });
  }
});

// A write goes through the same node:https client as the reads: client-node's API classes and
// models (CoreV1Api, 2 MB) were most of what vbios-injection's first review loaded to create the
// hook ConfigMap.
describe("what a first write loads", () => {
  it("should create vbios-injection's hook ConfigMap without client-node's API classes", async () => {
    const api = new FakeKubeApi();
    await api.start();
    api.put(romConfigMap("default", "phoenix-vbios") as FakeObject);
    api.put(kubevirtCr() as FakeObject);
    const loads = join(mkdtempSync(join(tmpdir(), "loads-")), "loads");
    const fn = await startFunction(
      "vbios-injection",
      {
        KUBECONFIG: api.writeKubeconfig(),
        NODE_OPTIONS: `--import ${COUNT_LOADS}`,
        BENCH_LOADS_FILE: loads,
      },
      "dist/main.js",
    );
    try {
      const answer = await postJson(fn.url, admissionReview(romVm()));
      expect(answer.status).to.equal(200);
      expect(api.object(CONFIG_MAP, "default", "vbios-injection-hook")).to.not.equal(undefined);
      const sources = sourcesIn(readFileSync(loads, "utf8"));
      expect(
        sources.filter((s) => s.endsWith("@kubernetes/client-node/src/config.ts")),
      ).to.not.deep.equal([]);
      expect(sources.filter((s) => /client-node\/src\/gen\/(apis|models)\//.test(s))).to.deep.equal(
        [],
      );
    } finally {
      await fn.stop();
      await api.stop();
    }
  });
});

// In the cluster every function runs on its pod's ServiceAccount, which is read without
// client-node: its configuration chunk (0.9 MB) was the largest part of a first cluster read.
describe("the built bundle in a pod (ServiceAccount mounted, no kubeconfig)", () => {
  it("should read the cluster with the mounted token, and load none of client-node", async () => {
    const api = new FakeKubeApi();
    await api.start();
    api.addNode("intel-1", {
      "cpu.vm-feature-manager.io/vendor": "intel",
      "cpu.vm-feature-manager.io/nested": "true",
    });
    const pod = api.writeServiceAccount("pod-token");
    const loads = join(mkdtempSync(join(tmpdir(), "loads-")), "loads");
    const fn = await startFunction(
      "nested-virt",
      { ...pod.env, NODE_OPTIONS: `--import ${COUNT_LOADS}`, BENCH_LOADS_FILE: loads },
      "dist/main.js",
      (argv) => inPodMounts(pod.root, argv),
    );
    try {
      const vm = virtualMachine({
        annotations: { "vm-feature-manager.io/nested-virt": "enabled" },
      });
      const res = await postJson(fn.url, admissionReview(vm));
      const result = applyResponse(vm, (res.body as AdmissionReviewResponse).response);
      expect(result.spec?.template?.spec?.domain?.cpu?.features).to.deep.equal([
        { name: "vmx", policy: "require" },
      ]);
      expect(api.requests.map((r) => [r.path, r.authorization])).to.deep.equal([
        ["/api/v1", "Bearer pod-token"],
        ["/api/v1/nodes", "Bearer pod-token"],
      ]);
      // Past the reader's warm-up (100 ms after the first request).
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(packagesIn(readFileSync(loads, "utf8"))).to.not.include("@kubernetes/client-node");
    } finally {
      await fn.stop();
      await api.stop();
    }
  });
});

describe("what the bundle carries of client-node", () => {
  // Reads and writes alike go through node:https (connectObjects, connectOwned), on the pod's
  // ServiceAccount or client-node's configuration alone.
  it("should carry none of client-node's generated API classes and models", () => {
    const maps = readdirSync(DIST, { recursive: true, encoding: "utf8" }).filter((f) =>
      f.endsWith(".js.map"),
    );
    expect(maps).to.not.deep.equal([]);
    const generated = maps.flatMap((f) =>
      (JSON.parse(readFileSync(join(DIST, f), "utf8")) as { sources: string[] }).sources.filter(
        (s) => /client-node\/src\/gen\/(apis|models)\//.test(s),
      ),
    );
    expect(generated).to.deep.equal([]);
  });
});

/** The sources (from the source maps) that make up the chunks listed (`<bytes>\t<file url>` lines). */
function sourcesIn(loads: string): string[] {
  return loads
    .split("\n")
    .filter(Boolean)
    .flatMap((line) => {
      const file = fileURLToPath(line.split("\t")[1] ?? "");
      return (JSON.parse(readFileSync(`${file}.map`, "utf8")) as { sources: string[] }).sources;
    });
}

/** The npm packages whose sources make up the chunks listed (`<bytes>\t<file url>` lines). */
function packagesIn(loads: string): string[] {
  const packages = new Set<string>();
  for (const source of sourcesIn(loads)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
    if (match?.[1]) packages.add(match[1]);
  }
  return [...packages].sort();
}

// The image's build runs scripts/prime-compile-cache.sh so that no cold start compiles what it
// loads, client-node included: a function loads it 100 ms after its first request, so the script
// must ask each function something before stopping it.
describe("the compile-cache priming (scripts/prime-compile-cache.sh)", () => {
  it("should leave client-node's chunk in the cache, which the next start then uses", async function () {
    this.timeout(60_000);
    const cache = mkdtempSync(join(tmpdir(), "compile-cache-"));
    const nodeDir = dirname(process.execPath);
    const primed = spawnSync("sh", ["scripts/prime-compile-cache.sh"], {
      env: { PATH: `${nodeDir}:${process.env["PATH"] ?? ""}`, NODE_COMPILE_CACHE: cache },
      encoding: "utf8",
    });
    expect(primed.status, primed.stderr).to.equal(0);
    const chunks = readdirSync(join(DIST, "functions", "nested-virt")).filter((f) =>
      f.endsWith(".js"),
    );
    const clientNode = chunks.filter((f) =>
      packagesIn(`0\t${pathToFileURL(join(DIST, "functions", "nested-virt", f)).href}`).includes(
        "@kubernetes/client-node",
      ),
    );
    expect(clientNode).to.not.deep.equal([]);
    const fn = await startFunction(
      "nested-virt",
      { KUBECONFIG: "/nonexistent", NODE_COMPILE_CACHE: cache, NODE_DEBUG_NATIVE: "COMPILE_CACHE" },
      "dist/main.js",
    );
    try {
      await fetch(fn.url);
      await fn.waitForLog((l) => l["msg"] === "cluster client could not be loaded", 10_000);
      const accepted = (chunk: string): boolean =>
        new RegExp(`V8 code cache for ESM \\S+/${chunk} was accepted`).test(fn.stderr());
      expect(clientNode.filter(accepted)).to.not.deep.equal([]);
    } finally {
      await fn.stop();
    }
  });
});
