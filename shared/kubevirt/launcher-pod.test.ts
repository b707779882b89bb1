import { expect } from "chai";
import { launcherPod } from "../../test/helpers/launcher-pod.ts";
import { mapContainers, podContainers } from "../kube/pod.ts";
import { launcherDomain, notLauncherReason } from "./launcher-pod.ts";

describe("launcher pods", () => {
  const cases: { name: string; labels: Record<string, string>; want: string | undefined }[] = [
    {
      name: "KubeVirt's launcher pod",
      labels: { "kubevirt.io": "virt-launcher" },
      want: undefined,
    },
    {
      name: "KubeVirt's hotplug-disk pod",
      labels: { "kubevirt.io": "hotplug-disk" },
      want: "the pod is not a KubeVirt launcher pod (no label kubevirt.io=virt-launcher)",
    },
    {
      name: "a pod that only mentions virt-launcher",
      labels: { app: "virt-launcher" },
      want: "the pod is not a KubeVirt launcher pod (no label kubevirt.io=virt-launcher)",
    },
  ];
  for (const tc of cases) {
    it(`should ${tc.want ? "not " : ""}take ${tc.name} for a launcher pod`, () => {
      expect(notLauncherReason(launcherPod({ labels: tc.labels }))).to.equal(tc.want);
    });
  }

  it("should read the VMI's name from kubevirt.io/domain, and nothing from a blank one", () => {
    expect(launcherDomain(launcherPod({ vmi: "db-2" }))).to.equal("db-2");
    expect(launcherDomain(launcherPod({ annotations: { "kubevirt.io/domain": " " } }))).to.equal(
      undefined,
    );
  });

  it("should list init containers first, each with where it sits", () => {
    const pod = launcherPod({ extraContainers: [{ name: "hook-sidecar-0" }] });
    expect(
      podContainers(pod).map(({ list, index, container }) => [list, index, container.name]),
    ).to.deep.equal([
      ["initContainers", 0, "guest-console-log"],
      ["containers", 0, "compute"],
      ["containers", 1, "hook-sidecar-0"],
    ]);
  });

  it("should change every container on a copy", () => {
    const pod = launcherPod();
    const out = mapContainers(pod, (c) => ({ ...c, image: "x" }));
    expect(podContainers(out).map((p) => p.container.image)).to.deep.equal(["x", "x"]);
    expect(pod.spec?.containers?.[0]?.image).to.equal("quay.io/kubevirt/virt-launcher:v1.6.0");
  });
});
