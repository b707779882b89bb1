import { expect } from "chai";
import { ClusterError } from "../../shared/basics/errors.ts";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { Pod } from "../../shared/kube/pod.ts";
import type { ClusterReader } from "../../shared/kube/reader.ts";
import type { VmiInterface, VmiNetwork } from "../../shared/kubevirt/types.ts";
import type { PodOptions } from "../../test/helpers/admit.ts";
import { admitPod } from "../../test/helpers/admit.ts";
import { recordingReader } from "../../test/helpers/cluster.ts";
import { dedicatedCpuPod, launcherPod, vmiObject } from "../../test/helpers/launcher-pod.ts";
import { omit } from "../../test/helpers/review.ts";
import { imdsInjector } from "./feature.ts";
import { loadFragment } from "../../shared/imds-sidecar/fragment.ts";
import { isGuaranteed } from "./resources.ts";

const ASK = { "imds.kubevirt.io/enabled": "true" };
const APPLIED = "vm-feature-manager.io/imds-injector-applied";
const ERROR = "vm-feature-manager.io/imds-injector-error";
const fragment = loadFragment();

const asking = (options: Parameters<typeof launcherPod>[0] = {}): Pod =>
  launcherPod({ ...options, annotations: { ...ASK, ...options.annotations } });

const feature = imdsInjector({
  settings: { image: "img:1", mode: "native", audience: "aud.example", expirationSeconds: 3600 },
});
const run = (
  pod: Pod,
  cluster: ClusterReader,
  options: Omit<PodOptions, "cluster"> = {},
): ReturnType<typeof admitPod> => admitPod(feature, pod, { ...options, cluster });

/** What the injection adds to `pod`: the fragment's container and volume with the test settings. */
function injected(pod: Pod, resources = fragment.container.resources): Pod {
  const want = structuredClone(pod);
  want.metadata = {
    ...want.metadata,
    annotations: { ...want.metadata?.annotations, [APPLIED]: "native-sidecar" },
  };
  const spec = (want.spec ??= {});
  (spec.initContainers ??= []).push({
    ...structuredClone(fragment.container),
    image: "img:1",
    resources,
  });
  const volumes = structuredClone(fragment.volumes);
  const projected = volumes[0]?.["projected"] as { sources: { serviceAccountToken: object }[] };
  projected.sources[0] = {
    serviceAccountToken: { path: "token", audience: "aud.example", expirationSeconds: 3600 },
  };
  (spec.volumes ??= []).push(...volumes);
  return want;
}

const cluster = (...objects: KubeObject[]): ReturnType<typeof recordingReader> =>
  recordingReader(objects.length ? objects : [vmiObject()]);

describe("imds-injector feature", () => {
  it("should inject the sidecar into a masquerade VM's launcher pod, reading its VMI", async () => {
    const src = cluster();
    const pod = asking();
    const { response, result } = await run(pod, src);
    expect(result).to.deep.equal(injected(pod));
    expect(response.patchType).to.equal("JSONPatch");
    expect(response.auditAnnotations).to.deep.equal({
      reason: "masquerade binding on network default",
    });
    expect(src.reads).to.deep.equal(["VirtualMachineInstance default/web-1"]);
  });

  it("should inject into a bridge VM's pod", async () => {
    const src = cluster(vmiObject({ interfaces: [{ name: "default", bridge: {} }] }));
    const { result } = await run(asking(), src);
    expect(result.spec?.initContainers?.map((c) => c.name)).to.deep.equal([
      "guest-console-log",
      "imds-server",
    ]);
  });

  it("should keep a dedicated-CPU VM's pod in the Guaranteed QoS class", async () => {
    const pod = asking();
    const dedicated = dedicatedCpuPod();
    pod.spec = dedicated.spec;
    expect(isGuaranteed(pod)).to.equal(true);
    const { result } = await run(pod, cluster());
    expect(result).to.deep.equal(
      injected(pod, {
        requests: { cpu: "10m", memory: "128Mi" },
        limits: { cpu: "10m", memory: "128Mi" },
      }),
    );
    expect(isGuaranteed(result)).to.equal(true);
  });

  it("should produce no patch and read nothing for its own output (reinvocation)", async () => {
    const first = await run(asking(), cluster());
    const src = cluster();
    const again = await run(first.result, src);
    expect(again.response).to.deep.equal({ uid: "u", allowed: true });
    expect(src.reads).to.deep.equal([]);
  });

  it("should never inject twice, even without the tracking annotation", async () => {
    const first = await run(asking(), cluster());
    const annotations = omit(first.result.metadata?.annotations ?? {}, APPLIED);
    const bare = { ...first.result, metadata: { ...first.result.metadata, annotations } };
    const again = await run(bare, cluster());
    expect(again.response).to.deep.equal({ uid: "u", allowed: true });
  });

  const untouched: { name: string; pod: Pod; overrides?: PodOptions["overrides"] }[] = [
    { name: "a launcher pod that does not ask", pod: launcherPod() },
    {
      name: "a launcher pod that says false",
      pod: asking({ annotations: { "imds.kubevirt.io/enabled": "false" } }),
    },
    { name: "an ordinary pod that asks", pod: asking({ labels: { app: "web" } }) },
    { name: "a launcher pod on UPDATE", pod: asking(), overrides: { operation: "UPDATE" } },
  ];
  for (const tc of untouched) {
    it(`should leave alone ${tc.name}, reading nothing`, async () => {
      const src = cluster();
      const { response } = await run(tc.pod, src, { overrides: tc.overrides });
      expect(response).to.deep.equal({ uid: "u", allowed: true });
      expect(src.reads).to.deep.equal([]);
    });
  }

  const unsupported: {
    name: string;
    interfaces: VmiInterface[];
    networks?: VmiNetwork[];
    reason: string;
  }[] = [
    {
      name: "SR-IOV",
      interfaces: [{ name: "vf", sriov: {} }],
      networks: [{ name: "vf", multus: { networkName: "sriov-net", default: true } }],
      reason:
        'the pod network\'s interface "vf" uses SR-IOV, which has no k6t-* bridge for the sidecar',
    },
    {
      name: "passt",
      interfaces: [{ name: "default", binding: { name: "passt" } }],
      reason:
        'the pod network\'s interface "default" uses the binding plugin "passt", which has no k6t-* bridge for the sidecar',
    },
    {
      name: "Multus only",
      interfaces: [{ name: "lan", bridge: {} }],
      networks: [{ name: "lan", multus: { networkName: "br-lan" } }],
      reason: "the VM has only Multus networks (lan) and no pod network",
    },
  ];
  for (const tc of unsupported) {
    it(`should skip a ${tc.name} VM with a warning naming why`, async () => {
      const vmi = vmiObject({
        interfaces: tc.interfaces,
        ...(tc.networks ? { networks: tc.networks } : {}),
      });
      const { response } = await run(asking(), cluster(vmi));
      expect(response).to.deep.equal({
        uid: "u",
        allowed: true,
        warnings: [
          `imds-injector: not injected: ${tc.reason} (field spec.domain.devices.interfaces of VirtualMachineInstance default/web-1). ` +
            "Fix: use masquerade or bridge binding on the pod network for instance metadata, or remove the imds.kubevirt.io/enabled annotation",
        ],
      });
    });
  }

  describe("when the pod's VMI does not exist", () => {
    const pod = asking();
    const empty = (): ClusterReader => recordingReader([]);
    const message =
      'imds-injector: VirtualMachineInstance default/web-1, which the pod runs, does not exist (field metadata.annotations["kubevirt.io/domain"]). ' +
      "Fix: create the VM through KubeVirt (virt-controller creates its pod once the VMI exists)";

    it("should deny the pod under reject", async () => {
      const { response } = await run(pod, empty());
      expect(response).to.deep.equal({
        uid: "u",
        allowed: false,
        status: { status: "Failure", code: 403, reason: "Forbidden", message },
      });
    });

    it("should admit it without the sidecar, with the error annotation, under allow-and-log", async () => {
      const { response, result } = await run(pod, empty(), { errorHandling: "allow-and-log" });
      expect(response.warnings).to.deep.equal([message]);
      expect(result).to.deep.equal({
        ...pod,
        metadata: {
          ...pod.metadata,
          annotations: { ...pod.metadata?.annotations, [ERROR]: message },
        },
      });
    });

    it("should admit it without the sidecar and without the ask under strip-label", async () => {
      const { response, result } = await run(pod, empty(), { errorHandling: "strip-label" });
      expect(response.warnings).to.deep.equal([message]);
      const rest = omit(pod.metadata?.annotations ?? {}, "imds.kubevirt.io/enabled");
      expect(result).to.deep.equal({ ...pod, metadata: { ...pod.metadata, annotations: rest } });
    });
  });

  it("should deny an annotation value that is no switch, naming the field", async () => {
    const { response } = await run(
      asking({ annotations: { "imds.kubevirt.io/enabled": "please" } }),
      cluster(),
    );
    expect(response.status?.message).to.equal(
      'imds-injector: "please" is not a value the annotation accepts (field metadata.annotations["imds.kubevirt.io/enabled"]). ' +
        'Fix: set it to "true" (or enabled or disabled (also true/false, yes/no, 1/0)) on the VM\'s spec.template.metadata.annotations',
    );
  });

  it("should deny a launcher pod without kubevirt.io/domain", async () => {
    const pod = asking();
    delete pod.metadata?.annotations?.["kubevirt.io/domain"];
    const { response } = await run(pod, cluster());
    expect(response.status?.message).to.equal(
      'imds-injector: the launcher pod does not name its VirtualMachineInstance (field metadata.annotations["kubevirt.io/domain"]). ' +
        "Fix: let virt-controller create launcher pods; it sets the annotation to the VMI's name",
    );
  });

  it("should refuse a pod whose volume takes the sidecar's volume name", async () => {
    const pod = asking();
    pod.spec?.volumes?.push({ name: "imds-token", emptyDir: {} });
    const { response } = await run(pod, cluster());
    expect(response.status?.message).to.match(
      /^imds-injector: the pod already has a volume named "imds-token"/,
    );
  });

  it("should answer 503 with the reader's message when the cluster cannot be read", async () => {
    const failing: ClusterReader = {
      get: () =>
        Promise.reject(
          new ClusterError(
            "the Kubernetes API refused to let the function read VirtualMachineInstance default/web-1 (HTTP 403)",
            "grant get on virtualmachineinstances",
          ),
        ),
      list: () => Promise.reject(new Error("not used")),
    };
    const { response } = await run(asking(), failing);
    expect(response.status).to.deep.equal({
      status: "Failure",
      code: 503,
      reason: "ServiceUnavailable",
      message:
        "imds-injector: the Kubernetes API refused to let the function read VirtualMachineInstance default/web-1 (HTTP 403). Fix: grant get on virtualmachineinstances",
    });
  });
});
