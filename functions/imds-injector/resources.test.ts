import { expect } from "chai";
import type { Pod, ResourceRequirements } from "../../shared/kube/pod.ts";
import { dedicatedCpuPod, launcherPod } from "../../test/helpers/launcher-pod.ts";
import { loadFragment } from "../../shared/imds-sidecar/fragment.ts";
import { guaranteedResources, isGuaranteed, withSidecarResources } from "./resources.ts";

describe("isGuaranteed", () => {
  const pod = (compute: ResourceRequirements, extra: Partial<Pod["spec"]> = {}): Pod => {
    const p = launcherPod({ computeResources: compute, consoleLog: false });
    return { ...p, spec: { ...p.spec, ...extra } };
  };
  const cases: { name: string; pod: Pod; want: boolean }[] = [
    { name: "a dedicated-CPU VM", pod: dedicatedCpuPod(), want: true },
    {
      name: "limits only (requests default to them)",
      pod: pod({ limits: { cpu: "1", memory: "1Gi" } }),
      want: true,
    },
    {
      name: "equal amounts spelt differently",
      pod: pod({
        requests: { cpu: "1000m", memory: "1Gi" },
        limits: { cpu: "1", memory: "1024Mi" },
      }),
      want: true,
    },
    { name: "an ordinary VM (requests only)", pod: launcherPod(), want: false },
    {
      name: "a CPU limit above the request",
      pod: pod({ requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "1Gi" } }),
      want: false,
    },
    { name: "no memory limit", pod: pod({ limits: { cpu: "1" } }), want: false },
    {
      name: "a Guaranteed compute container next to a Burstable console log",
      pod: launcherPod({ computeResources: { limits: { cpu: "2", memory: "2Gi" } } }),
      want: false,
    },
    {
      name: "pod-level resources with requests equal to limits",
      pod: pod({}, { resources: { limits: { cpu: "2", memory: "2Gi" } } }),
      want: true,
    },
    {
      name: "pod-level requests only, whatever the containers say",
      pod: pod({ limits: { cpu: "1", memory: "1Gi" } }, { resources: { requests: { cpu: "1" } } }),
      want: false,
    },
  ];
  for (const tc of cases) {
    it(`should answer ${tc.want} for ${tc.name}`, () => {
      expect(isGuaranteed(tc.pod)).to.equal(tc.want);
    });
  }
});

describe("guaranteedResources", () => {
  it("should set the fragment's requests equal to its limits, a missing limit to the request", () => {
    expect(loadFragment().container.resources).to.deep.equal({
      requests: { cpu: "10m", memory: "64Mi" },
      limits: { memory: "128Mi" },
    });
    expect(guaranteedResources(loadFragment().container)).to.deep.equal({
      requests: { cpu: "10m", memory: "128Mi" },
      limits: { cpu: "10m", memory: "128Mi" },
    });
  });
});

describe("withSidecarResources", () => {
  const sidecar = { requests: { cpu: "10m", memory: "80Mi" }, limits: { memory: "128Mi" } };

  it("should grow the pod's requests by the sidecar's and its limits by the sidecar's limits", () => {
    const pod = { requests: { cpu: "2", memory: "2Gi" }, limits: { cpu: "4", memory: "4Gi" } };
    expect(withSidecarResources(pod, sidecar)).to.deep.equal({
      requests: { cpu: "2010m", memory: "2128Mi" },
      limits: { cpu: "4010m", memory: "4224Mi" },
    });
  });

  it("should leave alone what the pod does not set", () => {
    expect(withSidecarResources({ limits: { "hugepages-2Mi": "1Gi" } }, sidecar)).to.deep.equal({
      limits: { "hugepages-2Mi": "1Gi" },
    });
  });

  it("should name a pod-level quantity it cannot read", () => {
    expect(() => withSidecarResources({ requests: { memory: "lots" } }, sidecar))
      .to.throw('"lots" is not a resource quantity')
      .with.property("field", "spec.resources.requests.memory");
  });
});
