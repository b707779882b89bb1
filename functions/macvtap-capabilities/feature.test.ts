import { expect } from "chai";
import type { ErrorHandling } from "../../shared/admission/settings.ts";
import { loadFragment } from "../../shared/imds-sidecar/fragment.ts";
import type { Pod } from "../../shared/kube/pod.ts";
import type { PodOptions } from "../../test/helpers/admit.ts";
import { admitPod } from "../../test/helpers/admit.ts";
import { launcherPod } from "../../test/helpers/launcher-pod.ts";
import { decodePatch } from "../../test/helpers/review.ts";
import { macvtapCapabilities } from "./feature.ts";
import { grantMacvtap } from "./mutation.ts";

const run = (
  pod: Pod,
  overrides: PodOptions["overrides"] = {},
  errorHandling: ErrorHandling = "reject",
): ReturnType<typeof admitPod> =>
  admitPod(macvtapCapabilities(), pod, { overrides, errorHandling });

const MACVTAP = "macvtap.network.kubevirt.io/eno1";
const macvtapPod = (extra: Parameters<typeof launcherPod>[0] = {}): Pod =>
  launcherPod({
    computeResources: {
      requests: { cpu: "100m", memory: "1294Mi", [MACVTAP]: "1" },
      limits: { [MACVTAP]: "1" },
    },
    ...extra,
  });
const APPLIED = "vm-feature-manager.io/macvtap-capabilities-applied";
const ERROR = "vm-feature-manager.io/macvtap-capabilities-error";
const OPT_OUT = "vm-feature-manager.io/macvtap-capabilities";

function withAnnotations(pod: Pod, annotations: Record<string, string>): Pod {
  return {
    ...pod,
    metadata: { ...pod.metadata, annotations: { ...pod.metadata?.annotations, ...annotations } },
  };
}

describe("macvtap-capabilities feature", () => {
  it("should make a macvtap launcher pod privileged with one JSON Patch that applies to the original", async () => {
    const pod = macvtapPod();
    const { response, result } = await run(pod);
    expect(response.patchType).to.equal("JSONPatch");
    expect(response.auditAnnotations).to.deep.equal({
      reason: `container compute requests ${MACVTAP}`,
    });
    expect(result).to.deep.equal(
      withAnnotations(grantMacvtap(pod, "imds-server"), { [APPLIED]: "privileged" }),
    );
  });

  it("should change only the fields it means to, never whole containers or the spec", async () => {
    const pod = macvtapPod({ consoleLog: false });
    const { response } = await run(pod);
    expect(decodePatch(response)).to.deep.equal([
      { op: "replace", path: "/spec/containers/0/securityContext/privileged", value: true },
      {
        op: "add",
        path: "/spec/containers/0/securityContext/capabilities/add/1",
        value: "DAC_OVERRIDE",
      },
      {
        op: "add",
        path: "/spec/containers/0/securityContext/capabilities/add/2",
        value: "NET_ADMIN",
      },
      {
        op: "add",
        path: "/spec/containers/0/securityContext/capabilities/add/3",
        value: "SYS_RAWIO",
      },
      {
        op: "replace",
        path: "/spec/containers/0/securityContext/allowPrivilegeEscalation",
        value: true,
      },
      {
        op: "add",
        path: "/metadata/annotations/vm-feature-manager.io~1macvtap-capabilities-applied",
        value: "privileged",
      },
    ]);
  });

  it("should act on a pod that names a macvtap network in its Multus annotation", async () => {
    const pod = withAnnotations(launcherPod(), {
      "k8s.v1.cni.cncf.io/networks": '[{"name":"macvtapnetwork","namespace":"default"}]',
    });
    const { response, result } = await run(pod);
    expect(response.auditAnnotations).to.deep.equal({
      reason: "annotation k8s.v1.cni.cncf.io/networks mentions macvtap",
    });
    expect(result.spec?.containers?.[0]?.securityContext?.privileged).to.equal(true);
  });

  it("should produce no patch for its own output (reinvocation)", async () => {
    const first = await run(macvtapPod());
    const again = await run(first.result);
    expect(again.response).to.deep.equal({
      uid: "u",
      allowed: true,
      auditAnnotations: { reason: `container compute requests ${MACVTAP}` },
    });
  });

  it("should keep the metadata sidecar unprivileged when imds-injector has run first", async () => {
    const pod = macvtapPod({ annotations: { "imds.kubevirt.io/enabled": "true" } });
    const sidecar = { ...loadFragment().container };
    pod.spec?.initContainers?.push(sidecar);
    const { result } = await run(pod);
    expect(result.spec?.initContainers?.[1]).to.deep.equal(sidecar);
    expect(result.spec?.containers?.[0]?.securityContext?.privileged).to.equal(true);
  });

  const untouched: { name: string; pod: Pod; overrides?: PodOptions["overrides"] }[] = [
    {
      name: "an ordinary pod that requests a macvtap resource",
      pod: macvtapPod({ labels: { app: "web" } }),
    },
    {
      name: "a hotplug-disk pod of KubeVirt's",
      pod: macvtapPod({ labels: { "kubevirt.io": "hotplug-disk" } }),
    },
    { name: "a launcher pod without macvtap", pod: launcherPod() },
    {
      name: "a macvtap launcher pod on UPDATE",
      pod: macvtapPod(),
      overrides: { operation: "UPDATE" },
    },
    {
      name: "a macvtap launcher pod that opts out",
      pod: withAnnotations(macvtapPod(), { [OPT_OUT]: "disabled" }),
    },
    {
      name: "a VirtualMachine (another kind)",
      pod: macvtapPod(),
      overrides: { kind: { group: "kubevirt.io", version: "v1", kind: "VirtualMachine" } },
    },
  ];
  for (const tc of untouched) {
    it(`should leave alone ${tc.name}`, async () => {
      const { response } = await run(tc.pod, tc.overrides);
      expect(response).to.deep.equal({ uid: "u", allowed: true });
    });
  }

  describe("when the opt-out annotation is not a switch", () => {
    const pod = withAnnotations(macvtapPod(), { [OPT_OUT]: "sometimes" });
    const message =
      'macvtap-capabilities: "sometimes" is not a value the annotation accepts (field metadata.annotations["vm-feature-manager.io/macvtap-capabilities"]). ' +
      "Fix: set it to enabled or disabled (also true/false, yes/no, 1/0) on the VM's spec.template.metadata.annotations, or remove it";

    it("should deny the pod with the feature, field and fix under reject", async () => {
      const { response } = await run(pod);
      expect(response).to.deep.equal({
        uid: "u",
        allowed: false,
        status: { status: "Failure", code: 403, reason: "Forbidden", message },
      });
    });

    it("should admit it unprivileged with the error annotation under allow-and-log", async () => {
      const { response, result } = await run(pod, {}, "allow-and-log");
      expect(response.warnings).to.deep.equal([message]);
      expect(result).to.deep.equal(withAnnotations(pod, { [ERROR]: message }));
    });

    it("should strip the bad opt-out under strip-label and admit the pod as one that never opted out", async () => {
      const { response, result } = await run(pod, {}, "strip-label");
      expect(response.warnings).to.deep.equal([message]);
      const { response: plain, result: asIfNever } = await run(macvtapPod());
      expect(plain.allowed).to.equal(true);
      expect(result).to.deep.equal(asIfNever);
      expect(result.metadata?.annotations?.[APPLIED]).to.equal("privileged");
      expect(result.metadata?.annotations).to.not.have.property(OPT_OUT);
    });
  });
});
