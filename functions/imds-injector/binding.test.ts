import { expect } from "chai";
import type { VmiInterface, VmiNetwork } from "../../shared/kubevirt/types.ts";
import { vmiObject } from "../../test/helpers/launcher-pod.ts";
import type { PodNetworkBinding } from "./binding.ts";
import { podNetworkBinding } from "./binding.ts";

const POD: VmiNetwork = { name: "default", pod: {} };
const unsupported = (iface: string, what: string): PodNetworkBinding => ({
  supported: false,
  reason: `the pod network's interface "${iface}" uses ${what}, which has no k6t-* bridge for the sidecar`,
});

describe("podNetworkBinding", () => {
  const cases: {
    name: string;
    interfaces: VmiInterface[];
    networks: VmiNetwork[];
    want: PodNetworkBinding;
  }[] = [
    {
      name: "masquerade on the pod network (KubeVirt's default)",
      interfaces: [{ name: "default", masquerade: {} }],
      networks: [POD],
      want: { supported: true, binding: "masquerade", network: "default" },
    },
    {
      name: "bridge on the pod network",
      interfaces: [{ name: "default", bridge: {} }],
      networks: [POD],
      want: { supported: true, binding: "bridge", network: "default" },
    },
    {
      name: "an interface without a binding (KubeVirt's API says bridge)",
      interfaces: [{ name: "default" }],
      networks: [POD],
      want: { supported: true, binding: "bridge", network: "default" },
    },
    {
      name: "masquerade on the pod network next to an SR-IOV secondary network",
      interfaces: [
        { name: "sriov-net", sriov: {} },
        { name: "default", masquerade: {} },
      ],
      networks: [{ name: "sriov-net", multus: { networkName: "sriov/sriov-network" } }, POD],
      want: { supported: true, binding: "masquerade", network: "default" },
    },
    {
      name: "bridge on a Multus network that replaces the pod network",
      interfaces: [{ name: "lan", bridge: {} }],
      networks: [{ name: "lan", multus: { networkName: "br-lan", default: true } }],
      want: { supported: true, binding: "bridge", network: "lan" },
    },
    {
      name: "SR-IOV on the default Multus network",
      interfaces: [{ name: "vf", sriov: {} }],
      networks: [{ name: "vf", multus: { networkName: "sriov-net", default: true } }],
      want: unsupported("vf", "SR-IOV"),
    },
    {
      name: "the passt binding plugin",
      interfaces: [{ name: "default", binding: { name: "passt" } }],
      networks: [POD],
      want: unsupported("default", 'the binding plugin "passt"'),
    },
    {
      name: "the core passt binding",
      interfaces: [{ name: "default", passtBinding: {} }],
      networks: [POD],
      want: unsupported("default", "passt"),
    },
    {
      name: "the macvtap binding KubeVirt discontinued in v1.3",
      interfaces: [{ name: "default", macvtap: {} }],
      networks: [POD],
      want: unsupported("default", "macvtap"),
    },
    {
      name: "slirp",
      interfaces: [{ name: "default", slirp: {} }],
      networks: [POD],
      want: unsupported("default", "slirp"),
    },
    {
      name: "only secondary Multus networks",
      interfaces: [{ name: "macvtap-net", binding: { name: "macvtap" } }],
      networks: [{ name: "macvtap-net", multus: { networkName: "macvtapnetwork" } }],
      want: {
        supported: false,
        reason: "the VM has only Multus networks (macvtap-net) and no pod network",
      },
    },
    {
      name: "no network at all (autoattachPodInterface: false)",
      interfaces: [],
      networks: [],
      want: { supported: false, reason: "the VM has no network" },
    },
    {
      name: "a pod network without an interface",
      interfaces: [],
      networks: [POD],
      want: {
        supported: false,
        reason: 'no interface is attached to the pod network "default"',
      },
    },
  ];
  for (const tc of cases) {
    it(`should answer ${tc.want.supported ? "supported" : "not supported"} for ${tc.name}`, () => {
      const vmi = vmiObject({ interfaces: tc.interfaces, networks: tc.networks });
      expect(podNetworkBinding(vmi.spec)).to.deep.equal(tc.want);
    });
  }
});
