import { expect } from "chai";
import { launcherPod } from "../../test/helpers/launcher-pod.ts";
import { macvtapReason } from "./detect.ts";

describe("macvtapReason", () => {
  const macvtapNetworks =
    '[{"name":"macvtapnetwork","namespace":"default","interface":"pod16477688c0e"}]';
  const cases: { name: string; pod: ReturnType<typeof launcherPod>; want: string | undefined }[] = [
    {
      name: "the compute container requests a macvtap device",
      pod: launcherPod({
        computeResources: {
          requests: { cpu: "100m", "macvtap.network.kubevirt.io/eno1": "1" },
          limits: { "macvtap.network.kubevirt.io/eno1": "1" },
        },
      }),
      want: "container compute requests macvtap.network.kubevirt.io/eno1",
    },
    {
      name: "a container only limits one",
      pod: launcherPod({
        computeResources: { limits: { "example.com/macvtap-eth1": "1" } },
      }),
      want: "container compute limits example.com/macvtap-eth1",
    },
    {
      name: "an init container requests one",
      pod: launcherPod({
        consoleLog: { requests: { "macvtap.network.kubevirt.io/eno2": "1" } },
      }),
      want: "container guest-console-log requests macvtap.network.kubevirt.io/eno2",
    },
    {
      name: "the Multus networks annotation names a macvtap network",
      pod: launcherPod({ annotations: { "k8s.v1.cni.cncf.io/networks": macvtapNetworks } }),
      want: "annotation k8s.v1.cni.cncf.io/networks mentions macvtap",
    },
    {
      name: "a Multus annotation without macvtap",
      pod: launcherPod({
        annotations: { "k8s.v1.cni.cncf.io/networks": '[{"name":"sriov-net"}]' },
      }),
      want: undefined,
    },
    {
      name: "an annotation outside k8s.v1.cni.cncf.io/ that says macvtap",
      pod: launcherPod({ annotations: { "example.com/note": "macvtap" } }),
      want: undefined,
    },
    {
      name: "a resource spelt in capitals (matching is case-sensitive, as the webhook's)",
      pod: launcherPod({ computeResources: { requests: { "example.com/MACVTAP": "1" } } }),
      want: undefined,
    },
    { name: "an ordinary masquerade VM", pod: launcherPod(), want: undefined },
  ];
  for (const tc of cases) {
    it(`should answer ${JSON.stringify(tc.want)} when ${tc.name}`, () => {
      expect(macvtapReason(tc.pod)).to.equal(tc.want);
    });
  }
});
