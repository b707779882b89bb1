import { expect } from "chai";
import type { Container } from "../../shared/kube/pod.ts";
import { launcherPod } from "../../test/helpers/launcher-pod.ts";
import { omit } from "../../test/helpers/review.ts";
import { grantMacvtap } from "./mutation.ts";

const context = (c: Container | undefined): unknown => c?.securityContext;

describe("grantMacvtap", () => {
  it("should make KubeVirt's compute container privileged, escalation allowed, capabilities added", () => {
    const pod = launcherPod();
    const out = grantMacvtap(pod);
    expect(context(out.spec?.containers?.[0])).to.deep.equal({
      allowPrivilegeEscalation: true,
      capabilities: {
        add: ["NET_BIND_SERVICE", "DAC_OVERRIDE", "NET_ADMIN", "SYS_RAWIO"],
        drop: ["ALL"],
      },
      privileged: true,
      runAsGroup: 107,
      runAsNonRoot: true,
      runAsUser: 107,
    });
    expect(context(pod.spec?.containers?.[0])).to.include({ privileged: false });
  });

  it("should change every init container and container, and nothing else of the pod", () => {
    const pod = launcherPod({ extraContainers: [{ name: "hook-sidecar-0", image: "shim" }] });
    const out = grantMacvtap(pod);
    expect(context(out.spec?.initContainers?.[0])).to.deep.equal({
      allowPrivilegeEscalation: true,
      capabilities: { drop: ["ALL"], add: ["DAC_OVERRIDE", "NET_ADMIN", "SYS_RAWIO"] },
      runAsNonRoot: true,
      runAsUser: 107,
      privileged: true,
    });
    expect(context(out.spec?.containers?.[1])).to.deep.equal({
      privileged: true,
      capabilities: { add: ["DAC_OVERRIDE", "NET_ADMIN", "SYS_RAWIO"] },
    });
    const strip = (p: typeof pod): unknown => ({
      ...p,
      spec: {
        ...p.spec,
        initContainers: p.spec?.initContainers?.map((c) => omit(c, "securityContext")),
        containers: p.spec?.containers?.map((c) => omit(c, "securityContext")),
      },
    });
    expect(strip(out)).to.deep.equal(strip(pod));
  });

  it("should keep the capabilities a container has and never add one twice (CAP_ prefix or not)", () => {
    const pod = launcherPod({
      extraContainers: [
        {
          name: "x",
          securityContext: { capabilities: { add: ["CAP_NET_ADMIN", "SYS_TIME", "sys_rawio"] } },
        },
      ],
    });
    expect(context(grantMacvtap(pod).spec?.containers?.[1])).to.deep.equal({
      privileged: true,
      capabilities: { add: ["CAP_NET_ADMIN", "SYS_TIME", "sys_rawio", "DAC_OVERRIDE"] },
    });
  });

  it("should leave an explicit allowPrivilegeEscalation: true alone", () => {
    const pod = launcherPod({
      extraContainers: [{ name: "x", securityContext: { allowPrivilegeEscalation: true } }],
    });
    expect(context(grantMacvtap(pod).spec?.containers?.[1])).to.include({
      allowPrivilegeEscalation: true,
      privileged: true,
    });
  });

  it("should leave the exempt container (the metadata sidecar) as it is", () => {
    const sidecar: Container = {
      name: "imds-server",
      restartPolicy: "Always",
      securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ["NET_ADMIN"] } },
    };
    const pod = launcherPod();
    pod.spec?.initContainers?.push(sidecar);
    const out = grantMacvtap(pod, "imds-server");
    expect(out.spec?.initContainers?.[1]).to.deep.equal(sidecar);
    expect(context(out.spec?.initContainers?.[0])).to.include({ privileged: true });
  });

  it("should give back an equal pod for its own output", () => {
    const once = grantMacvtap(launcherPod());
    expect(grantMacvtap(once)).to.deep.equal(once);
  });
});
