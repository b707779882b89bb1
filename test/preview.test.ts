import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, parseAllDocuments, stringify } from "yaml";
import jsonpatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import { syncRulesNamespaces } from "../functions/nested-virt/webhook-namespaces.ts";
import type { Pod } from "../shared/kube/pod.ts";
import { parseObjects } from "../shared/preview/snapshot.ts";
import { fieldTypeMessage } from "./helpers/errors.ts";

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

const PCI_PATCH: Operation[] = [
  {
    op: "add",
    path: "/spec/template/spec/domain/devices/hostDevices",
    value: [{ name: "worker-gpu-1-000065000", deviceName: "nvidia.com/GA102GL_A10" }],
  },
  {
    op: "add",
    path: "/spec/template/spec/affinity",
    value: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: "kubernetes.io/hostname", operator: "In", values: ["worker-gpu-1"] },
              ],
            },
          ],
        },
      },
    },
  },
  {
    op: "add",
    path: "/metadata/annotations/vm-feature-manager.io~1pci-passthrough-applied",
    value: "worker-gpu-1-000065000=nvidia.com/GA102GL_A10",
  },
];

/** vbios-injection's example snapshot: its cluster and the ROM ConfigMap, as two files. */
const VBIOS_SNAPSHOT = [
  "--cluster",
  "examples/vbios-injection-cluster.yaml",
  "--cluster",
  "examples/vbios-rom.yaml",
];

/** A shipped example with changes, written to a file of its own. */
function variant(path: string, change: (object: Record<string, unknown>) => void): string {
  const object = manifest(path) as Record<string, unknown>;
  change(object);
  const file = join(mkdtempSync(join(tmpdir(), "preview-variant-")), "object.yaml");
  writeFileSync(file, stringify(object));
  return file;
}

const inNamespace =
  (namespace: string) =>
  (object: Record<string, unknown>): void => {
    (object["metadata"] as Record<string, unknown>)["namespace"] = namespace;
  };

/** knative/webhooks.yaml with nested-virt's namespaces synced from the example cluster's rules. */
function syncedWebhooks(): string {
  const cluster = parseObjects(readFileSync(`${ROOT}/examples/cluster.yaml`, "utf8"), "cluster");
  const shipped = readFileSync(`${ROOT}/knative/webhooks.yaml`, "utf8");
  const file = join(mkdtempSync(join(tmpdir(), "preview-webhooks-")), "webhooks.yaml");
  writeFileSync(file, syncRulesNamespaces(cluster, shipped));
  return file;
}

type Out = {
  patches: Record<string, Operation[]>;
  notCalled?: Record<string, string>;
  object: unknown;
};

describe("npm run preview", () => {
  it("should print the vmx patch for the shipped example, and the patched object", () => {
    const run = runPreview("examples/nested-virt-annotation.yaml", "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as { patches: Record<string, Operation[]>; object: unknown };
    const { "nested-virt": nested, ...others } = out.patches;
    expect(nested).to.deep.equal([
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
    ]);
    // The other functions are asked nothing by this VM: each leaves it as it is.
    expect(Object.values(others).flat()).to.deep.equal([]);
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

  it("should select a VM by the rules ConfigMap of the cluster snapshot, once its namespace is in the entry", () => {
    const run = runPreview(
      "examples/nested-virt-rule.yaml",
      "--webhooks",
      syncedWebhooks(),
      "--json",
    );
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as Out;
    expect(out.notCalled?.["nested-virt"]).to.equal(undefined);
    expect(out.patches["nested-virt"]?.[0]).to.deep.equal({
      op: "add",
      path: "/spec/template/spec/domain/cpu",
      value: { features: [{ name: "vmx", policy: "require" }] },
    });
  });

  it("should leave the rule example alone with the shipped entry, whose namespaces omit ci, and say why", () => {
    const run = runPreview("examples/nested-virt-rule.yaml", "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as Out;
    expect(out.patches).to.deep.equal({});
    expect(out.notCalled?.["nested-virt"]).to.equal(
      "matchCondition asks-or-in-a-rules-namespace is false",
    );
    expect(out.object).to.deep.equal(manifest("examples/nested-virt-rule.yaml"));
  });

  it("should not call nested-virt for a VM in kube-system, which the entry's namespaceSelector excludes", () => {
    const file = variant("examples/nested-virt-annotation.yaml", inNamespace("kube-system"));
    const run = runPreview(file);
    expect(run.status, run.stderr).to.equal(0);
    const out = parse(run.stdout) as Out;
    expect(out.patches).to.deep.equal({});
    expect(out.object).to.deep.equal(parse(readFileSync(file, "utf8")));
    expect(run.stderr.split("\n")).to.include(
      "nested-virt: not called: namespace kube-system has label kubernetes.io/metadata.name=kube-system, which the selector excludes",
    );
  });

  it("should refuse a VM in a namespace the --cluster snapshot lacks, as the API server does, and exit 1", () => {
    const file = variant("examples/nested-virt-annotation.yaml", inNamespace("nowhere"));
    const run = runPreview(file, "--cluster", "examples/cluster.yaml", "--json");
    expect([run.status, run.stderr]).to.deep.equal([
      1,
      'preview: the API server refuses the object: namespaces "nowhere" not found; create the namespace first (kubectl create namespace nowhere), or add it to the --cluster snapshot if it exists (kubectl get namespaces -o yaml)\n',
    ]);
    const out = JSON.parse(run.stdout) as Out & { refused?: string };
    expect(out.refused).to.equal('namespaces "nowhere" not found');
    expect(out.patches).to.deep.equal({});
    expect(out.object).to.deep.equal(parse(readFileSync(file, "utf8")));
  });

  it("should take the namespaces the API server makes itself as existing, whatever the snapshot lists", () => {
    const file = variant("examples/nested-virt-annotation.yaml", inNamespace("kube-public"));
    const run = runPreview(file, "--cluster", "examples/cluster.yaml", "--json");
    expect([run.status, run.stderr]).to.deep.equal([0, ""]);
    expect(Object.keys((JSON.parse(run.stdout) as Out).patches)).to.deep.equal(["nested-virt"]);
  });

  it("should warn once that a --cluster snapshot without Namespaces leaves their labels unknown", () => {
    const snapshot = join(mkdtempSync(join(tmpdir(), "preview-no-namespaces-")), "cluster.yaml");
    writeFileSync(snapshot, stringify({ apiVersion: "v1", kind: "Node", metadata: { name: "n" } }));
    // Its VM asks for no instance metadata here: imds-injector would look for the VMI.
    const file = variant("examples/launcher-pod-macvtap.yaml", (object) => {
      inNamespace("ci")(object);
      const metadata = object["metadata"] as { annotations: Record<string, string> };
      delete metadata.annotations["imds.kubevirt.io/enabled"];
    });
    const run = runPreview(file, "--cluster", snapshot, "--json");
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stderr.split("\n").filter((line) => line.startsWith("preview:"))).to.deep.equal([
      `preview: warning: --cluster ${snapshot} holds no Namespace, so namespace labels are unknown: namespaceSelectors see only kubernetes.io/metadata.name; add the namespaces to the snapshot (kubectl get namespaces -o yaml)`,
    ]);
    expect((JSON.parse(run.stdout) as Out).notCalled?.["macvtap-capabilities"]).to.equal(
      "namespace ci lacks label vm-feature-manager.io/macvtap-capabilities=enabled",
    );
  });

  it("should preview a namespace the example cluster lacks, without --cluster, as one without labels", () => {
    const file = variant("examples/nested-virt-annotation.yaml", inNamespace("prod"));
    const run = runPreview(file, "--json");
    expect([run.status, run.stderr]).to.deep.equal([
      0,
      "preview: warning: namespace prod is not in examples/cluster.yaml (read without --cluster), so it is previewed as an existing namespace without labels; give --cluster with your cluster's namespaces (kubectl get namespaces -o yaml)\n",
    ]);
    expect(Object.keys((JSON.parse(run.stdout) as Out).patches)).to.deep.equal(["nested-virt"]);
  });

  it("should not call a function for a VM without its annotation", () => {
    const file = variant("examples/pci-passthrough.yaml", (object) => {
      delete (object["metadata"] as { annotations?: unknown }).annotations;
    });
    const out = JSON.parse(runPreview(file, "--json").stdout) as Out;
    expect(out.patches).to.deep.equal({});
    expect(out.notCalled?.["nested-virt"]).to.equal(
      "matchCondition asks-or-in-a-rules-namespace is false",
    );
    expect(out.notCalled?.["pci-passthrough"]).to.equal(
      "matchCondition asks-for-pci-devices is false",
    );
  });

  it("should give an empty patch for a VM that opts out", () => {
    const out = JSON.parse(runPreview("examples/nested-virt-opt-out.yaml", "--json").stdout) as {
      patches: Record<string, Operation[]>;
    };
    expect(out.patches["nested-virt"]).to.deep.equal([]);
    expect(Object.values(out.patches).flat()).to.deep.equal([]);
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

  it("should attach the example's PCI address through the example cluster's PCIDevices, pinned to its node", () => {
    const run = runPreview("examples/pci-passthrough.yaml", "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as { patches: Record<string, Operation[]>; object: unknown };
    expect(out.patches["pci-passthrough"]).to.deep.equal(PCI_PATCH);
    expect(out.patches["gpu-device-plugin"]).to.equal(undefined);
    expect((out as Out).notCalled?.["gpu-device-plugin"]).to.equal(
      "matchCondition asks-for-gpus is false",
    );
    const original = manifest("examples/pci-passthrough.yaml");
    expect(jsonpatch.applyPatch(original, PCI_PATCH, true, false).newDocument).to.deep.equal(
      out.object,
    );
  });

  it("should give the same patch on plain KubeVirt: node inventory and the CR's pciVendorSelector", () => {
    const cluster = parseAllDocuments(
      readFileSync(`${ROOT}/examples/cluster.yaml`, "utf8"),
    )[0]?.toJS() as {
      items: { kind: string }[];
    };
    const plain = { ...cluster, items: cluster.items.filter((o) => o.kind !== "PCIDevice") };
    const file = join(mkdtempSync(join(tmpdir(), "plain-kubevirt-")), "cluster.yaml");
    writeFileSync(file, stringify(plain));
    const run = runPreview("examples/pci-passthrough.yaml", "--cluster", file, "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as { patches: Record<string, Operation[]> };
    expect(out.patches["pci-passthrough"]).to.deep.equal(PCI_PATCH);
  });

  it("should put the example's two GPUs into domain.devices.gpus", () => {
    const run = runPreview("examples/gpu-device-plugin.yaml", "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as { patches: Record<string, Operation[]> };
    const { "gpu-device-plugin": gpu, ...others } = out.patches;
    expect(Object.values(others).flat()).to.deep.equal([]);
    expect({ "gpu-device-plugin": gpu }).to.deep.equal({
      "gpu-device-plugin": [
        {
          op: "add",
          path: "/spec/template/spec/domain/devices/gpus",
          value: [
            { name: "nvidia-com-GA102GL_A10-1", deviceName: "nvidia.com/GA102GL_A10" },
            { name: "nvidia-com-GA102GL_A10-2", deviceName: "nvidia.com/GA102GL_A10" },
          ],
        },
        {
          op: "add",
          path: "/metadata/annotations/vm-feature-manager.io~1gpu-device-plugin-applied",
          value:
            "nvidia-com-GA102GL_A10-1=nvidia.com/GA102GL_A10,nvidia-com-GA102GL_A10-2=nvidia.com/GA102GL_A10",
        },
      ],
    });
  });

  describe("on launcher pods", () => {
    type PodOut = Out & { object: Pod; warnings?: Record<string, string[]> };
    const previewOf = (file: string): PodOut => {
      const run = runPreview(file, "--json");
      expect(run.status, run.stderr).to.equal(0);
      return JSON.parse(run.stdout) as PodOut;
    };
    const apply = (file: string, out: PodOut): unknown =>
      Object.values(out.patches).reduce(
        (object, ops) => jsonpatch.applyPatch(object, ops, true, false).newDocument,
        manifest(file),
      );

    it("should run both Pod functions on a macvtap pod: KubeVirt's containers privileged, the sidecar not", () => {
      const out = previewOf("examples/launcher-pod-macvtap.yaml");
      expect(Object.keys(out.patches)).to.deep.equal(["macvtap-capabilities", "imds-injector"]);
      // The VM functions' rules select virtualmachines, never pods.
      expect(out.notCalled?.["nested-virt"]).to.equal(
        "no rule selects CREATE of pods/v1 in namespace edge",
      );
      expect(apply("examples/launcher-pod-macvtap.yaml", out)).to.deep.equal(out.object);
      const containers = [
        ...(out.object.spec?.initContainers ?? []),
        ...(out.object.spec?.containers ?? []),
      ];
      expect(
        containers.map((c) => [
          c.name,
          c.securityContext?.privileged ?? false,
          c.securityContext?.capabilities?.add,
        ]),
      ).to.deep.equal([
        ["guest-console-log", true, ["DAC_OVERRIDE", "NET_ADMIN", "SYS_RAWIO"]],
        ["imds-server", false, ["NET_ADMIN"]],
        ["compute", true, ["NET_BIND_SERVICE", "DAC_OVERRIDE", "NET_ADMIN", "SYS_RAWIO"]],
      ]);
    });

    it("should not call macvtap-capabilities for a macvtap pod in a namespace that did not opt in", () => {
      const file = variant("examples/launcher-pod-macvtap.yaml", inNamespace("ci"));
      const run = runPreview(file);
      expect(run.stderr.split("\n")).to.include(
        "macvtap-capabilities: not called: namespace ci lacks label vm-feature-manager.io/macvtap-capabilities=enabled",
      );
      const out = parse(run.stdout) as PodOut;
      expect(out.patches["macvtap-capabilities"]).to.equal(undefined);
      expect(out.notCalled?.["macvtap-capabilities"]).to.equal(
        "namespace ci lacks label vm-feature-manager.io/macvtap-capabilities=enabled",
      );
    });

    it("should deny a macvtap pod whose capabilities list is no list, naming the field, and exit 1", () => {
      const file = variant("examples/launcher-pod-macvtap.yaml", (object) => {
        const [compute] = (object["spec"] as { containers: Record<string, unknown>[] }).containers;
        if (compute) compute["securityContext"] = { capabilities: { add: 3 } };
      });
      const run = runPreview(file, "--json");
      const out = JSON.parse(run.stdout) as { denied: unknown };
      const message = fieldTypeMessage(
        "macvtap-capabilities",
        "spec.containers[0].securityContext.capabilities.add",
        "a list of strings",
      );
      expect([run.status, out.denied, run.stderr]).to.deep.equal([
        1,
        { function: "macvtap-capabilities", message },
        `preview: macvtap-capabilities denied the object: ${message}\n`,
      ]);
    });

    it("should not call the Pod functions for a pod that is no launcher", () => {
      const file = variant("examples/launcher-pod-macvtap.yaml", (object) => {
        delete (object["metadata"] as { labels?: unknown }).labels;
      });
      const out = previewOf(file);
      expect(out.patches).to.deep.equal({});
      expect(out.notCalled).to.deep.include({
        "macvtap-capabilities": "the object lacks label kubevirt.io=virt-launcher",
        "imds-injector": "the object lacks label kubevirt.io=virt-launcher",
      });
    });

    it("should inject the sidecar into a Guaranteed pod with requests equal to limits", () => {
      const out = previewOf("examples/launcher-pod-imds.yaml");
      expect(out.patches["macvtap-capabilities"]).to.equal(undefined);
      expect(out.notCalled?.["macvtap-capabilities"]).to.equal(
        "namespace default lacks label vm-feature-manager.io/macvtap-capabilities=enabled",
      );
      expect(apply("examples/launcher-pod-imds.yaml", out)).to.deep.equal(out.object);
      const sidecar = out.object.spec?.initContainers?.find((c) => c.name === "imds-server");
      expect(sidecar?.restartPolicy).to.equal("Always");
      expect(sidecar?.resources).to.deep.equal({
        requests: { cpu: "10m", memory: "128Mi" },
        limits: { memory: "128Mi", cpu: "10m" },
      });
    });

    it("should leave an SR-IOV VM's pod alone and say why", () => {
      const out = previewOf("examples/launcher-pod-imds-sriov.yaml");
      expect(out.patches).to.deep.equal({ "imds-injector": [] });
      expect(out.notCalled).to.deep.include({
        "macvtap-capabilities":
          "namespace default lacks label vm-feature-manager.io/macvtap-capabilities=enabled",
      });
      expect(out.warnings?.["imds-injector"]?.[0]).to.match(
        /^imds-injector: not injected: the pod network's interface "vf" uses SR-IOV, which has no k6t-\* bridge/,
      );
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
      "preview: usage: npm run preview -- <manifest.yaml> [--cluster <snapshot.yaml>]... [--webhooks <webhooks.yaml>] [--as <user> [--as-group <group>]...] [--json] [--finalize] [--now <RFC 3339 time>]\n",
    );
  });

  it("should show vbios-injection's result from a snapshot made of several files", () => {
    const run = runPreview("examples/vbios-injection.yaml", ...VBIOS_SNAPSHOT, "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as {
      patches: Record<string, Operation[]>;
      object: { spec: { template: { metadata: { annotations: Record<string, string> } } } };
    };
    expect(out.object.spec.template.metadata.annotations).to.deep.equal({
      "hooks.kubevirt.io/hookSidecars":
        '[{"args":["--version","v1alpha2"],"configMap":{"name":"vbios-injection-hook","key":"onDefineDomain","hookPath":"/usr/bin/onDefineDomain"}}]',
      "vm-feature-manager.io/vbios-rom":
        '{"file":"/var/run/kubevirt-private/config-map/vbios-rom/rom","devices":[{"name":"igpu","alias":"ua-gpu-igpu"}]}',
    });
    const original = manifest("examples/vbios-injection.yaml");
    const ops = Object.values(out.patches).flat();
    expect(jsonpatch.applyPatch(original, ops, true, false).newDocument).to.deep.equal(out.object);
  });

  it("should deny the vbios example where the snapshot has no ROM ConfigMap", () => {
    const run = runPreview(
      "examples/vbios-injection.yaml",
      "--cluster",
      "examples/vbios-injection-cluster.yaml",
      "--json",
    );
    expect(run.status).to.equal(1);
    expect((JSON.parse(run.stdout) as { denied: { message: string } }).denied.message).to.match(
      /^vbios-injection: ConfigMap default\/phoenix-vbios, named by the annotation, does not exist/,
    );
  });

  it("should run only the functions the webhook configuration calls, in its order", () => {
    const dir = mkdtempSync(join(tmpdir(), "preview-webhooks-"));
    const none = join(dir, "webhooks.yaml");
    writeFileSync(
      none,
      "apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata: {name: x}\nwebhooks: []\n",
    );
    const run = runPreview("examples/nested-virt-annotation.yaml", "--webhooks", none, "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as { patches: unknown; object: unknown };
    expect(out.patches).to.deep.equal({});
    expect(out.object).to.deep.equal(manifest("examples/nested-virt-annotation.yaml"));
  });

  it("should refuse a kind no function handles, with the kind it most likely meant", () => {
    const file = variant("examples/nested-virt-annotation.yaml", (object) => {
      object["kind"] = "VirtualMachin";
    });
    const run = runPreview(file, "--json");
    expect([run.status, run.stdout, run.stderr]).to.deep.equal([
      2,
      "",
      `preview: ${file}: a VirtualMachin (kubevirt.io/v1) is nothing the functions handle; did you mean VirtualMachine? (they handle VirtualMachine, Pod, Machine)\n`,
    ]);
  });

  it("should refuse an apiVersion that is no string, in one line", () => {
    const file = variant("examples/nested-virt-annotation.yaml", (object) => {
      object["apiVersion"] = 3;
    });
    const run = runPreview(file, "--json");
    expect([run.status, run.stdout, run.stderr]).to.deep.equal([
      2,
      "",
      `preview: ${file}: apiVersion is 3, not a string; write it as the API does (apiVersion: kubevirt.io/v1, kind: VirtualMachine, metadata.namespace: default)\n`,
    ]);
  });

  it("should refuse a namespace that is no string, in one line", () => {
    const file = variant("examples/nested-virt-annotation.yaml", (object) => {
      (object["metadata"] as Record<string, unknown>)["namespace"] = ["lab"];
    });
    const run = runPreview(file, "--json");
    expect([run.status, run.stdout, run.stderr]).to.deep.equal([
      2,
      "",
      `preview: ${file}: metadata.namespace is ["lab"], not a string; write it as the API does (apiVersion: kubevirt.io/v1, kind: VirtualMachine, metadata.namespace: default)\n`,
    ]);
  });

  it("should refuse labels the functions would refuse, in one line", () => {
    const file = variant("examples/nested-virt-annotation.yaml", (object) => {
      (object["metadata"] as Record<string, unknown>)["labels"] = ["web"];
    });
    const run = runPreview(file, "--json");
    expect([run.status, run.stdout, run.stderr]).to.deep.equal([
      2,
      "",
      `preview: ${file}: the object's metadata.labels is not a map of strings to strings; send metadata.labels as a map of strings to strings, as the Kubernetes API requires\n`,
    ]);
  });

  it("should say no rule selects a kind at a version no entry names, with matchPolicy Exact", () => {
    const file = variant("examples/nested-virt-annotation.yaml", (object) => {
      object["apiVersion"] = "kubevirt.io/v1alpha3";
    });
    const exact = join(mkdtempSync(join(tmpdir(), "preview-exact-")), "webhooks.yaml");
    const shipped = readFileSync(`${ROOT}/knative/webhooks.yaml`, "utf8");
    writeFileSync(
      exact,
      shipped.replaceAll(
        "    failurePolicy: Fail",
        "    matchPolicy: Exact\n    failurePolicy: Fail",
      ),
    );
    const run = runPreview(file, "--webhooks", exact, "--json");
    expect(run.status, run.stderr).to.equal(0);
    expect((JSON.parse(run.stdout) as Out).notCalled?.["nested-virt"]).to.equal(
      "no rule selects CREATE of virtualmachines.kubevirt.io/v1alpha3 in namespace default (matchPolicy Exact leaves out the rule for virtualmachines.kubevirt.io/v1)",
    );
  });

  it("should call an entry for a VM at another version KubeVirt serves (matchPolicy Equivalent), converted", () => {
    const file = variant("examples/nested-virt-annotation.yaml", (object) => {
      object["apiVersion"] = "kubevirt.io/v1alpha3";
    });
    const run = runPreview(file, "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as Out;
    const atV1 = JSON.parse(
      runPreview("examples/nested-virt-annotation.yaml", "--json").stdout,
    ) as Out;
    expect(out.patches).to.deep.equal(atV1.patches);
    expect(Object.keys(out.patches)).to.include("nested-virt");
    expect(out.object).to.deep.equal({
      ...(atV1.object as object),
      apiVersion: "kubevirt.io/v1alpha3",
    });
  });

  it("should warn of an annotation key in the project's domain that no feature knows", () => {
    const file = variant("examples/nested-virt-annotation.yaml", (object) => {
      const metadata = object["metadata"] as { annotations: Record<string, string> };
      metadata.annotations = { "vm-feature-manager.io/nested-virtualization": "vmx" };
    });
    const run = runPreview(file, "--json");
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stderr.split("\n")).to.include(
      `preview: warning: ${file}: annotation vm-feature-manager.io/nested-virtualization is no feature's, so nothing reads it; did you mean vm-feature-manager.io/nested-virt?`,
    );
  });

  it("should not warn of the keys features read or write", () => {
    const run = runPreview("examples/vbios-injection.yaml", ...VBIOS_SNAPSHOT, "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as { object: unknown };
    const again = join(mkdtempSync(join(tmpdir(), "preview-again-")), "vm.yaml");
    writeFileSync(again, stringify(out.object));
    const rerun = runPreview(again, ...VBIOS_SNAPSHOT, "--json");
    expect(rerun.stderr).to.equal("");
  });

  it("should refuse a --webhooks file without a MutatingWebhookConfiguration", () => {
    const run = runPreview(
      "examples/nested-virt-annotation.yaml",
      "--webhooks",
      "examples/cluster.yaml",
    );
    expect([run.status, run.stderr]).to.deep.equal([
      2,
      "preview: examples/cluster.yaml holds no MutatingWebhookConfiguration; give knative/webhooks.yaml or a copy of it\n",
    ]);
  });

  it("should refuse a manifest that is not valid YAML in one line, with where", () => {
    const broken = join(mkdtempSync(join(tmpdir(), "preview-yaml-")), "vm.yaml");
    writeFileSync(broken, "a: [\n");
    const run = runPreview(broken);
    expect([run.status, run.stderr]).to.deep.equal([
      2,
      `preview: ${broken}: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1\n`,
    ]);
  });

  it("should refuse, in one line, a --webhooks entry whose selector has an unknown operator", () => {
    const webhooks = join(mkdtempSync(join(tmpdir(), "preview-operator-")), "webhooks.yaml");
    const shipped = readFileSync(`${ROOT}/knative/webhooks.yaml`, "utf8");
    writeFileSync(webhooks, shipped.replace("operator: NotIn", "operator: NotInn"));
    const run = runPreview("examples/nested-virt-annotation.yaml", "--webhooks", webhooks);
    expect([run.status, run.stderr]).to.deep.equal([
      2,
      `preview: ${webhooks}: webhook nested-virt.vm-feature-manager.io: namespaceSelector: label selector operator "NotInn" is none of In, NotIn, Exists, DoesNotExist\n`,
    ]);
  });

  it("should warn that an empty --cluster snapshot is read as an empty cluster", () => {
    const empty = join(mkdtempSync(join(tmpdir(), "preview-empty-")), "cluster.yaml");
    writeFileSync(empty, "---\n");
    const run = runPreview("examples/gpu-device-plugin.yaml", "--cluster", empty, "--json");
    expect(run.stderr.split("\n")[0]).to.equal(
      `preview: warning: --cluster ${empty} holds no objects; the preview reads an empty cluster`,
    );
  });

  describe("with a matchCondition that asks the authorizer", () => {
    const MAY_NEST = {
      name: "may-use-nested-virt",
      expression:
        "authorizer.group('vm-feature-manager.io').resource('nested-virt').namespace(request.namespace).check('use').allowed()",
    };
    const dir = mkdtempSync(join(tmpdir(), "preview-authorizer-"));
    const webhooks = join(dir, "webhooks.yaml");
    const rbac = join(dir, "rbac.yaml");
    before(() => {
      const docs = parseAllDocuments(readFileSync(`${ROOT}/knative/webhooks.yaml`, "utf8")).map(
        (doc) =>
          doc.toJS() as {
            kind?: string;
            webhooks?: { name: string; matchConditions?: unknown[] }[];
          },
      );
      for (const hook of docs.flatMap((doc) => doc.webhooks ?? []))
        if (hook.name.startsWith("nested-virt.")) hook.matchConditions?.push(MAY_NEST);
      writeFileSync(webhooks, docs.map((doc) => stringify(doc)).join("---\n"));
      const role = {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "nesters", namespace: "default" },
        rules: [
          { apiGroups: ["vm-feature-manager.io"], resources: ["nested-virt"], verbs: ["use"] },
        ],
      };
      const binding = {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "nesters", namespace: "default" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "nesters" },
        subjects: [{ kind: "Group", name: "nesters" }],
      };
      writeFileSync(rbac, `${stringify(role)}---\n${stringify(binding)}`);
    });
    const previewAs = (...args: string[]): ReturnType<typeof runPreview> =>
      runPreview("examples/nested-virt-annotation.yaml", "--webhooks", webhooks, "--json", ...args);
    const SNAPSHOT = ["--cluster", "examples/cluster.yaml", "--cluster", rbac];

    it("should call the entry for a user the snapshot's RBAC allows (--as, --as-group), not for another", () => {
      const allowed = previewAs(...SNAPSHOT, "--as", "alice", "--as-group", "nesters");
      expect([allowed.status, allowed.stderr]).to.deep.equal([0, ""]);
      expect(Object.keys((JSON.parse(allowed.stdout) as Out).patches)).to.deep.equal([
        "nested-virt",
      ]);
      const denied = previewAs(...SNAPSHOT, "--as", "alice");
      expect([denied.status, denied.stderr]).to.deep.equal([0, ""]);
      expect((JSON.parse(denied.stdout) as Out).notCalled?.["nested-virt"]).to.equal(
        "matchCondition may-use-nested-virt is false",
      );
    });

    it("should refuse RBAC objects the authorizer cannot read, naming the object and the field", () => {
      const cases: [Record<string, unknown>, string][] = [
        [
          { kind: "RoleBinding", metadata: { name: "b", namespace: "default" }, subjects: 5 },
          "RoleBinding default/b: subjects must be a list of {apiGroup, kind, name, namespace}. Fix: write subjects as a list of {apiGroup, kind, name, namespace}, or leave it out",
        ],
        [
          { kind: "ClusterRole", metadata: { name: "r" }, rules: [{ verbs: "use" }] },
          "ClusterRole r: rules[0].verbs must be a list of strings. Fix: write rules[0].verbs as a list of strings, or leave it out",
        ],
      ];
      for (const [object, says] of cases) {
        const file = join(dir, "bad-rbac.yaml");
        writeFileSync(file, stringify({ apiVersion: "rbac.authorization.k8s.io/v1", ...object }));
        const run = previewAs("--cluster", "examples/cluster.yaml", "--cluster", file);
        expect([run.status, run.stdout, run.stderr]).to.deep.equal([
          2,
          "",
          `preview: --cluster ${file}: ${says}\n`,
        ]);
      }
    });

    it("should ask as a cluster administrator (system:masters) without --as", () => {
      const run = previewAs(...SNAPSHOT);
      expect(Object.keys((JSON.parse(run.stdout) as Out).patches)).to.deep.equal(["nested-virt"]);
    });

    it("should assume the condition holds without RBAC in the snapshot, and say what to add", () => {
      const run = previewAs("--as", "alice");
      const out = JSON.parse(run.stdout) as Out & { warnings?: Record<string, string[]> };
      expect(Object.keys(out.patches)).to.deep.equal(["nested-virt"]);
      expect(out.warnings?.["nested-virt"]).to.deep.equal([
        "nested-virt: matchCondition may-use-nested-virt asks the authorizer, which the preview cannot without RBAC: assumed true; add the cluster's Roles, ClusterRoles, RoleBindings, ClusterRoleBindings to the snapshot (kubectl get roles,clusterroles,rolebindings,clusterrolebindings -A -o yaml)",
      ]);
    });

    it("should refuse --as-group without --as", () => {
      const run = previewAs("--as-group", "nesters");
      expect([run.status, run.stderr]).to.deep.equal([
        2,
        "preview: --as-group needs --as <user>, as kubectl's does\n",
      ]);
    });
  });

  describe("with a malformed --cluster snapshot", () => {
    /** An item of the example cluster, as far as the cases change it. */
    type Item = {
      metadata: Record<string, unknown>;
      status: Record<string, unknown>;
      spec: { configuration: Record<string, unknown> };
      [key: string]: unknown;
    };
    /** The example cluster with `change` made to the item named `name`, as a --cluster file. */
    function clusterWith(name: string, change: (item: Item) => void): string {
      return variant("examples/cluster.yaml", (list) => {
        const items = list["items"] as { metadata: { name: string } }[];
        const item = items.find((i) => i.metadata.name === name);
        if (!item) throw new Error(`examples/cluster.yaml has no ${name}`);
        change(item as unknown as Item);
      });
    }
    const cases: {
      name: string;
      item: string;
      change: (o: Item) => void;
      says: string;
    }[] = [
      {
        name: "a Node whose labels are a list",
        item: "worker-gpu-1",
        change: (o) => (o.metadata["labels"] = ["gpu"]),
        says: "Node worker-gpu-1: the object's metadata.labels is not a map of strings to strings; send metadata.labels as a map of strings to strings, as the Kubernetes API requires",
      },
      {
        name: "a ConfigMap whose data is a number",
        item: "nested-virt-rules",
        change: (o) => (o["data"] = 3),
        says: "ConfigMap vm-feature-functions/nested-virt-rules: data must be a map of strings. Fix: write data as a map of strings, or leave it out",
      },
      {
        name: "a PCIDevice whose status holds a number for the address",
        item: "worker-gpu-1-000065000",
        change: (o) => (o.status["address"] = 650),
        says: "PCIDevice worker-gpu-1-000065000: status.address must be a string. Fix: write status.address as a string, or leave it out",
      },
      {
        name: "a KubeVirt CR whose feature gates are one string",
        item: "kubevirt",
        change: (o) => (o.spec.configuration["developerConfiguration"] = { featureGates: "GPU" }),
        says: "KubeVirt kubevirt/kubevirt: spec.configuration.developerConfiguration.featureGates must be a list of strings. Fix: write spec.configuration.developerConfiguration.featureGates as a list of strings, or leave it out",
      },
    ];
    for (const { name, item, change, says } of cases)
      it(`should refuse ${name}, naming the object and the field, and exit 2`, () => {
        const file = clusterWith(item, change);
        const run = runPreview("examples/pci-passthrough.yaml", "--cluster", file, "--json");
        expect([run.status, run.stdout, run.stderr]).to.deep.equal([
          2,
          "",
          `preview: --cluster ${file}: ${says}\n`,
        ]);
      });
  });

  it("should refuse a webhook entry that no function serves", () => {
    const dir = mkdtempSync(join(tmpdir(), "preview-webhooks-"));
    const file = join(dir, "webhooks.yaml");
    writeFileSync(
      file,
      "kind: MutatingWebhookConfiguration\nwebhooks: [{clientConfig: {service: {path: /typo-virt}}}]\n",
    );
    const run = runPreview("examples/nested-virt-annotation.yaml", "--webhooks", file);
    expect([run.status, run.stderr]).to.deep.equal([
      2,
      'preview: the webhook chain calls "typo-virt", which is no mutating function\n',
    ]);
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
      ["machine-cloud-image", ["VirtualMachine/fedora-1"]],
      ["machine-http-image", ["VirtualMachine/debian-1"]],
      [
        "machine-vlan",
        [
          "VirtualMachine/web-2",
          "PersistentVolumeClaim/web-2-root",
          "NetworkAttachmentDefinition/web-2-office",
        ],
      ],
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

  it("should show the VLAN example's own NAD and the image examples' dataVolumeTemplates", () => {
    const vlan = json("examples/machine-vlan.yaml");
    expect(vlan.sync?.children[2]?.spec).to.deep.equal({
      config:
        '{"cniVersion":"0.3.1","name":"web-2-office","type":"bridge","bridge":"br-office","vlan":200,"ipam":{}}',
    });
    const image = json("examples/machine-cloud-image.yaml");
    const vm = image.sync?.children[0]?.spec as { dataVolumeTemplates: { metadata: unknown }[] };
    expect(vm.dataVolumeTemplates.map((t) => t.metadata)).to.deep.equal(
      ["root", "scratch"].map((disk) => ({
        name: `fedora-1-${disk}`,
        labels: {
          "app.kubernetes.io/managed-by": "machine-controller",
          "vitistack.io/machine": "fedora-1",
          "vitistack.io/disk": disk,
        },
      })),
    );
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
