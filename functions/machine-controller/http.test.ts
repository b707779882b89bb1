import { expect } from "chai";
import type { RunningFunction } from "../../test/helpers/function-process.ts";
import { postJson, startFunction } from "../../test/helpers/function-process.ts";
import {
  cluster,
  dataVolume,
  hookRequest,
  machine,
  networkConfiguration,
  stored,
  vmi,
} from "../../test/helpers/machines.ts";

// Metacontroller v4's hook contract, through the function's real server process: POST JSON to
// /customize, /sync and /finalize; answers are 200 with exactly the fields Metacontroller's
// response types have (v2 hooks decode strictly: an unknown field fails the call).

async function post(
  fn: RunningFunction,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const res = await fetch(`${fn.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown>, text };
}

describe("machine-controller over HTTP", () => {
  let fn: RunningFunction;
  before(async () => {
    fn = await startFunction("machine-controller", {});
  });
  after(() => fn.stop());

  it("should answer health on any GET, without reading anything", async () => {
    for (const path of ["/healthz", "/"]) {
      const res = await fetch(`${fn.url}${path}`);
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ status: "ok", function: "machine-controller" });
    }
  });

  it("should answer customize with the related resources: by name, every StorageClass for the default", async () => {
    const parent = machine({
      template: "small",
      networks: [{ name: "lan", networkName: "vlan-100" }],
      cloudInit: { secretRef: { name: "web-ci" } },
    });
    const res = await post(fn, "/customize", {
      controller: { kind: "CompositeController" },
      parent,
    });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      relatedResources: [
        {
          apiVersion: "vitistack.io/v1alpha1",
          resource: "networkconfigurations",
          namespace: "default",
          names: ["vlan-100"],
        },
        { apiVersion: "storage.k8s.io/v1", resource: "storageclasses", labelSelector: {} },
        {
          apiVersion: "kubevirt.io/v1",
          resource: "virtualmachineinstances",
          namespace: "default",
          names: ["web"],
        },
        { apiVersion: "v1", resource: "secrets", namespace: "default", names: ["web-ci"] },
      ],
    });
  });

  it("should answer sync with the desired children and the status, and nothing else", async () => {
    const res = await post(
      fn,
      "/sync",
      hookRequest(machine({ template: "small" }), { related: cluster() }),
    );
    expect(res.status).to.equal(200);
    expect(Object.keys(res.body)).to.deep.equal(["children", "status"]);
    const children = res.body["children"] as {
      apiVersion: string;
      kind: string;
      metadata: { name: string; namespace: string };
    }[];
    expect(
      children.map((c) => [c.apiVersion, c.kind, c.metadata.namespace, c.metadata.name]),
    ).to.deep.equal([
      ["kubevirt.io/v1", "VirtualMachine", "default", "web"],
      ["v1", "PersistentVolumeClaim", "default", "web-root"],
    ]);
    const status = res.body["status"] as Record<string, unknown>;
    expect(Object.keys(status)).to.deep.equal([
      "phase",
      "conditions",
      "observedGeneration",
      "lastUpdated",
    ]);
    expect(status["phase"]).to.equal("Pending");
  });

  it("should sync a cloud image on a VLAN: a NAD child, a dataVolumeTemplates entry, the DataVolume's progress", async () => {
    const parent = machine({
      template: "small",
      disks: [
        {
          name: "root",
          source: { registry: { url: "docker://quay.io/containerdisks/fedora:41" } },
        },
      ],
      networks: [{ name: "lan", networkName: "office" }],
    });
    const related = cluster(
      networkConfiguration("office", { vlan: 300, bridge: "br-office" }),
      dataVolume(
        "web-root",
        { source: { registry: { url: "docker://quay.io/containerdisks/fedora:41" } } },
        { phase: "ImportInProgress", progress: "12.00%" },
      ),
    );
    const res = await post(fn, "/sync", hookRequest(parent, { related, v2: true }));
    expect(res.status).to.equal(200);
    const children = res.body["children"] as {
      kind: string;
      metadata: { name: string };
      spec: Record<string, unknown>;
    }[];
    expect(children.map((c) => `${c.kind}/${c.metadata.name}`)).to.deep.equal([
      "VirtualMachine/web",
      "NetworkAttachmentDefinition/web-lan",
    ]);
    expect(children[1]?.spec).to.deep.equal({
      config:
        '{"cniVersion":"0.3.1","name":"web-lan","type":"bridge","bridge":"br-office","vlan":300,"ipam":{}}',
    });
    expect(
      (children[0]?.spec["dataVolumeTemplates"] as { metadata: { name: string } }[]).map(
        (t) => t.metadata.name,
      ),
    ).to.deep.equal(["web-root"]);
    const conditions = (
      res.body["status"] as { conditions: { type: string; reason: string; message: string }[] }
    ).conditions;
    expect(conditions.find((c) => c.type === "StorageReady")).to.include({
      reason: "DataVolumeImporting",
      message: "DataVolume web-root is importing: 12.00%",
    });
  });

  it("should answer a v2 request (objects keyed namespace/name) as the v1 one", async () => {
    const parent = machine({ template: "small" });
    const first = await post(fn, "/sync", hookRequest(parent, { related: cluster() }));
    const children = (first.body["children"] as Parameters<typeof stored>[0][]).map((c) =>
      stored(c, { phase: "Bound" }),
    );
    const settled = machine({ template: "small" }, { status: first.body["status"] });
    const v1 = await post(
      fn,
      "/sync",
      hookRequest(settled, { children, related: cluster(vmi("web", "Running")) }),
    );
    const v2 = await post(
      fn,
      "/sync",
      hookRequest(settled, { children, related: cluster(vmi("web", "Running")), v2: true }),
    );
    // The move to Running stamps its condition with the second each answer was made in.
    const untimed = (text: string): string =>
      text.replace(/"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/g, '"<time>"');
    expect(untimed(v2.text)).to.equal(untimed(v1.text));
    expect((v1.body["status"] as { phase: string }).phase).to.equal("Running");
  });

  it("should give the same bytes for the same request once the status has settled", async () => {
    const parent = machine({ template: "medium" });
    const first = await post(fn, "/sync", hookRequest(parent, { related: cluster() }));
    const request = hookRequest(machine({ template: "medium" }, { status: first.body["status"] }), {
      related: cluster(),
    });
    const a = await post(fn, "/sync", request);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const b = await post(fn, "/sync", request);
    expect(b.text).to.equal(a.text);
  });

  it("should answer finalize with children, status and finalized", async () => {
    const res = await post(
      fn,
      "/finalize",
      hookRequest(machine({ template: "small" }), { related: cluster() }, true),
    );
    expect(res.status).to.equal(200);
    expect(Object.keys(res.body)).to.deep.equal(["children", "status", "finalized"]);
    expect(res.body["children"]).to.deep.equal([]);
    expect(res.body["finalized"]).to.equal(true);
  });

  it("should log one JSON line per hook call", async () => {
    await post(
      fn,
      "/sync",
      hookRequest(machine({ template: "huge" }, { name: "logged", generation: 4 }), {
        related: cluster(),
      }),
    );
    await fn.waitForLog((l) => l["name"] === "logged");
    const lines = fn.logLines().filter((l) => l["name"] === "logged");
    expect(lines).to.have.length(1);
    const { time, durationMs, ...rest } = lines[0] ?? {};
    expect(time).to.be.a("string");
    expect(durationMs).to.be.a("number");
    expect(rest).to.deep.equal({
      level: "warn",
      msg: "hook",
      function: "machine-controller",
      hook: "sync",
      namespace: "default",
      name: "logged",
      generation: 4,
      phase: "Failed",
      reason: "TemplateNotFound",
      children: 0,
    });
  });

  describe("when the request is not a hook call", () => {
    const cases: {
      name: string;
      path: string;
      init: RequestInit;
      status: number;
      body: unknown;
    }[] = [
      {
        name: "malformed JSON",
        path: "/sync",
        init: {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"parent":',
        },
        status: 400,
        body: { error: "malformed_body", message: "the body is not valid JSON" },
      },
      {
        name: "not JSON",
        path: "/sync",
        init: { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" },
        status: 400,
        body: {
          error: "bad_content_type",
          message: "machine-controller: send the hook request as application/json",
        },
      },
      {
        name: "no parent",
        path: "/sync",
        init: {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"children":{}}',
        },
        status: 400,
        body: {
          error: "invalid_hook_request",
          message:
            "machine-controller: invalid hook request: (root) must have required property 'parent'",
        },
      },
      {
        name: "a parent that is no Machine",
        path: "/finalize",
        init: {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            parent: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } },
          }),
        },
        status: 400,
        body: {
          error: "invalid_hook_request",
          message:
            "machine-controller: the parent is a apps/v1 Deployment, not a vitistack.io/v1alpha1 Machine; point only the Machine CompositeController at this function",
        },
      },
      {
        name: "children that are not Metacontroller's map",
        path: "/sync",
        init: {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            parent: machine({ template: "small" }),
            children: { "Pod.v1": [] },
          }),
        },
        status: 400,
        body: {
          error: "invalid_hook_request",
          message: "machine-controller: invalid hook request: /children/Pod.v1 must be object",
        },
      },
      {
        name: "a path that is no hook",
        path: "/reconcile",
        init: { method: "POST", headers: { "content-type": "application/json" }, body: "{}" },
        status: 404,
        body: {
          error: "unknown_hook",
          message:
            "machine-controller: /reconcile is not a hook; use /customize, /sync or /finalize",
        },
      },
      {
        name: "a PUT",
        path: "/sync",
        init: { method: "PUT", headers: { "content-type": "application/json" }, body: "{}" },
        status: 405,
        body: {
          error: "method_not_allowed",
          message: "machine-controller: use POST /customize, /sync or /finalize",
        },
      },
    ];
    for (const tc of cases) {
      it(`should answer ${tc.status} with a JSON error when given ${tc.name}`, async () => {
        const res = await fetch(`${fn.url}${tc.path}`, tc.init);
        expect(res.status).to.equal(tc.status);
        expect(await res.json()).to.deep.equal(tc.body);
      });
    }
  });

  // After the cases above (mocha runs a describe's own tests before its nested ones).
  describe("/metrics", () => {
    it("should count hook durations and errors on /metrics", async () => {
      await postJson(
        `${fn.url}/sync`,
        hookRequest(machine({ template: "small" }), { related: cluster() }),
      );
      const res = await fetch(`${fn.url}/metrics`);
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.match(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      const count = (hook: string): number =>
        Number(
          new RegExp(
            `^machine_controller_hook_duration_seconds_count\\{hook="${hook}"\\} (\\d+)$`,
            "m",
          ).exec(text)?.[1] ?? 0,
        );
      expect(count("sync")).to.be.greaterThan(4);
      expect(count("customize")).to.equal(1);
      expect(text).to.match(
        /^machine_controller_hook_errors_total\{hook="sync",reason="TemplateNotFound"\} 1$/m,
      );
      expect(text).to.match(
        /^machine_controller_hook_errors_total\{hook="sync",reason="invalid_request"\} \d+$/m,
      );
      expect(text).to.match(
        /^machine_controller_hook_errors_total\{hook="finalize",reason="invalid_request"\} 1$/m,
      );
    });
  });
});
