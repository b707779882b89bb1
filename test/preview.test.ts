import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import jsonpatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function runPreview(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ["scripts/preview.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function manifest(path: string): unknown {
  return parse(readFileSync(`${ROOT}/${path}`, "utf8"));
}

describe("npm run preview", () => {
  it("should print the vmx patch for the shipped example, and the patched object", () => {
    const run = runPreview("examples/nested-virt-annotation.yaml", "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as { patches: Record<string, Operation[]>; object: unknown };
    expect(out.patches).to.deep.equal({
      "nested-virt": [
        {
          op: "add",
          path: "/spec/template/spec/domain/cpu/features",
          value: [{ name: "vmx", policy: "require" }],
        },
        {
          op: "add",
          path: "/metadata/annotations/vm-feature-manager.io~1nested-virt-applied",
          value: "vmx",
        },
      ],
    });
    const original = manifest("examples/nested-virt-annotation.yaml");
    expect(
      jsonpatch.applyPatch(original, out.patches["nested-virt"] ?? [], true, false).newDocument,
    ).to.deep.equal(out.object);
  });

  it("should print YAML by default, with the same content", () => {
    const yaml = runPreview("examples/nested-virt-rule.yaml");
    const json = runPreview("examples/nested-virt-rule.yaml", "--json");
    expect(yaml.status).to.equal(0);
    expect(parse(yaml.stdout)).to.deep.equal(JSON.parse(json.stdout));
  });

  it("should select a VM by the rules ConfigMap of the cluster snapshot", () => {
    const out = JSON.parse(runPreview("examples/nested-virt-rule.yaml", "--json").stdout) as {
      patches: Record<string, Operation[]>;
    };
    expect(out.patches["nested-virt"]?.[0]).to.deep.equal({
      op: "add",
      path: "/spec/template/spec/domain/cpu",
      value: { features: [{ name: "vmx", policy: "require" }] },
    });
  });

  it("should give an empty patch for a VM that opts out", () => {
    const out = JSON.parse(runPreview("examples/nested-virt-opt-out.yaml", "--json").stdout) as {
      patches: unknown;
    };
    expect(out.patches).to.deep.equal({ "nested-virt": [] });
  });

  it("should report a denial like the webhook, and exit 1", () => {
    const run = runPreview(
      "examples/nested-virt-annotation.yaml",
      "--cluster",
      "examples/nested-virt-mixed-cluster.yaml",
      "--json",
    );
    expect(run.status).to.equal(1);
    const out = JSON.parse(run.stdout) as { denied: unknown; patches: unknown };
    expect(out.patches).to.deep.equal({});
    expect(out.denied).to.deep.equal({
      function: "nested-virt",
      message:
        "nested-virt: the nodes the VM may run on mix CPU vendors (amd, intel) (field spec.template.spec.nodeSelector / affinity.nodeAffinity). " +
        "Fix: pin the VM to one vendor (nodeSelector cpu.vm-feature-manager.io/vendor: intel or amd), or set the annotation to vmx or svm",
    });
  });

  it("should explain a missing manifest and exit 2", () => {
    const run = runPreview("examples/missing.yaml");
    expect(run.status).to.equal(2);
    expect(run.stderr).to.match(/^preview: cannot read examples\/missing.yaml: ENOENT/);
  });

  it("should print usage without a manifest", () => {
    const run = runPreview();
    expect(run.status).to.equal(2);
    expect(run.stderr).to.equal(
      "preview: usage: npm run preview -- <manifest.yaml> [--cluster <snapshot.yaml>] [--json] [--finalize] [--now <RFC 3339 time>]\n",
    );
  });
});

describe("npm run preview with a Machine", () => {
  const NOW = ["--now", "2026-03-01T12:00:00Z"];
  type Answer = {
    customize: { relatedResources: unknown[] };
    sync?: {
      children: { kind: string; metadata: { name: string }; spec: unknown }[];
      status: { phase: string; conditions: { type: string; reason: string }[] };
    };
    finalize?: { finalized: boolean; children: unknown[] };
  };
  const json = (...args: string[]): Answer => {
    const run = runPreview(...args, "--json", ...NOW);
    expect(run.status, run.stderr).to.equal(0);
    return JSON.parse(run.stdout) as Answer;
  };

  it("should show what each example Machine becomes, with examples/machine-cluster.yaml as what Metacontroller sees", () => {
    const cases: [string, string[]][] = [
      ["machine-basic", ["VirtualMachine/web-1", "PersistentVolumeClaim/web-1-root"]],
      [
        "machine-overrides",
        [
          "VirtualMachine/db-1",
          "PersistentVolumeClaim/db-1-data",
          "PersistentVolumeClaim/db-1-root",
        ],
      ],
      ["machine-networking", ["VirtualMachine/router-1", "PersistentVolumeClaim/router-1-root"]],
      ["machine-cloud-init", ["VirtualMachine/app-1", "PersistentVolumeClaim/app-1-root"]],
    ];
    for (const [file, children] of cases) {
      const out = json(`examples/${file}.yaml`);
      expect(
        out.sync?.children.map((c) => `${c.kind}/${c.metadata.name}`),
        file,
      ).to.deep.equal(children);
      expect(out.sync?.status.phase, file).to.equal("Pending");
    }
  });

  it("should print YAML by default, with the same content", () => {
    const yaml = runPreview("examples/machine-networking.yaml", ...NOW);
    expect(yaml.status).to.equal(0);
    expect(parse(yaml.stdout)).to.deep.equal(json("examples/machine-networking.yaml"));
  });

  it("should report a missing related object as the sync would, from a snapshot without it", () => {
    const out = json("examples/machine-cloud-init.yaml", "--cluster", "examples/cluster.yaml");
    expect(out.sync?.children).to.deep.equal([]);
    expect(out.sync?.status.phase).to.equal("Failed");
    expect(out.sync?.status.conditions[0]?.reason).to.equal("StorageClassNotFound");
  });

  it("should show the status move with observed children in the snapshot", () => {
    const out = json(
      "examples/machine-basic.yaml",
      "--cluster",
      "examples/machine-basic-running.yaml",
    );
    expect(out.sync?.status.phase).to.equal("Running");
    expect(out.sync?.status.conditions[0]?.reason).to.equal("MachineReady");
  });

  it("should show the next teardown step with --finalize", () => {
    const out = json(
      "examples/machine-basic.yaml",
      "--cluster",
      "examples/machine-basic-running.yaml",
      "--finalize",
    );
    expect(out.finalize?.finalized).to.equal(false);
    expect(out.finalize?.children).to.have.length(1);
  });

  it("should refuse --finalize for a VirtualMachine", () => {
    const run = runPreview("examples/nested-virt-annotation.yaml", "--finalize");
    expect(run.status).to.equal(2);
    expect(run.stderr).to.equal("preview: --finalize and --now apply to a Machine only\n");
  });
});
