import { expect } from "chai";
import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import {
  cluster,
  hookRequest,
  machine,
  networkConfiguration,
  NOW,
  stored,
  vmi,
  WEB_LABELS,
} from "../../../test/helpers/machines.ts";
import { LAST_APPLIED } from "./child.ts";
import { finalize } from "../hooks/finalize.ts";
import { sync } from "../hooks/sync.ts";

function nad(network: string, config: string): KubeObject {
  return {
    apiVersion: "k8s.cni.cncf.io/v1",
    kind: "NetworkAttachmentDefinition",
    metadata: {
      name: `web-${network}`,
      namespace: "default",
      labels: { ...WEB_LABELS, "vitistack.io/network": network },
    },
    spec: { config },
  };
}

const onNetwork = (...networks: [string, string][]): ReturnType<typeof machine> =>
  machine({
    template: "small",
    networks: networks.map(([name, networkName]) => ({ name, networkName })),
  });

const nadsOf = (response: ReturnType<typeof sync>): KubeObject[] =>
  response.children.filter((c) => c.kind === "NetworkAttachmentDefinition");

function templateOf(response: ReturnType<typeof sync>): {
  networks: unknown[];
  domain: { devices: { interfaces: unknown[] } };
} {
  const vm = response.children.find((c) => c.kind === "VirtualMachine") as {
    spec: { template: { spec: ReturnType<typeof templateOf> } };
  };
  return vm.spec.template.spec;
}

describe("sync: a VLAN or bridge NetworkConfiguration", () => {
  const cases: { name: string; spec: Record<string, unknown>; config: string }[] = [
    {
      name: "a VLAN on a bridge",
      spec: { vlan: 100, bridge: "br-vlan100" },
      config:
        '{"cniVersion":"0.3.1","name":"web-lan","type":"bridge","bridge":"br-vlan100","vlan":100,"ipam":{}}',
    },
    {
      name: "a VLAN alone, on the bridge plugin's default bridge, written out",
      spec: { vlan: 7 },
      config:
        '{"cniVersion":"0.3.1","name":"web-lan","type":"bridge","bridge":"cni0","vlan":7,"ipam":{}}',
    },
    {
      name: "a bridge alone, untagged",
      spec: { bridge: "br0" },
      config: '{"cniVersion":"0.3.1","name":"web-lan","type":"bridge","bridge":"br0","ipam":{}}',
    },
    {
      name: "a VLAN with the IPAM the NetworkConfiguration gives",
      spec: { vlan: 20, bridge: "br1", ipam: { type: "whereabouts", range: "10.20.0.0/24" } },
      config:
        '{"cniVersion":"0.3.1","name":"web-lan","type":"bridge","bridge":"br1","vlan":20,"ipam":{"type":"whereabouts","range":"10.20.0.0/24"}}',
    },
  ];
  for (const tc of cases) {
    it(`should give the Machine network its own NAD for ${tc.name}`, () => {
      const related = cluster(networkConfiguration("office", tc.spec));
      const response = sync(hookRequest(onNetwork(["lan", "office"]), { related }), NOW);
      expect(nadsOf(response)).to.deep.equal([nad("lan", tc.config)]);
      expect(templateOf(response).networks).to.deep.equal([
        { name: "lan", multus: { networkName: "web-lan" } },
      ]);
      expect(templateOf(response).domain.devices.interfaces).to.deep.equal([
        { name: "lan", model: "virtio", bridge: {} },
      ]);
      expect(response.status.conditions[3]).to.include({
        type: "NetworkReady",
        status: "True",
        reason: "NetworkConfigurationsFound",
      });
    });
  }

  it("should put the NADs last, by name: one per Machine network, two on one VLAN", () => {
    const related = cluster(networkConfiguration("office", { vlan: 100, bridge: "br0" }));
    const response = sync(
      hookRequest(onNetwork(["b", "office"], ["a", "office"]), { related }),
      NOW,
    );
    expect(response.children.map((c) => `${c.kind}/${c.metadata?.name}`)).to.deep.equal([
      "VirtualMachine/web",
      "PersistentVolumeClaim/web-root",
      "NetworkAttachmentDefinition/web-a",
      "NetworkAttachmentDefinition/web-b",
    ]);
  });

  it("should make no NAD for a NetworkConfiguration that names a Multus network", () => {
    const related = cluster(
      networkConfiguration("vlan-100", {
        vlan: 100,
        bridge: "br0",
        multus: { networkName: "default/vlan-100" },
      }),
    );
    const response = sync(hookRequest(onNetwork(["lan", "vlan-100"]), { related }), NOW);
    expect(nadsOf(response)).to.deep.equal([]);
    expect(templateOf(response).networks).to.deep.equal([
      { name: "lan", multus: { networkName: "default/vlan-100" } },
    ]);
  });

  it("should update the NAD in place when the NetworkConfiguration's VLAN changes", () => {
    const parent = onNetwork(["lan", "office"]);
    const before = cluster(networkConfiguration("office", { vlan: 100, bridge: "br0" }));
    const children = sync(hookRequest(parent, { related: before }), NOW).children.map((c) =>
      stored(c),
    );
    const after = cluster(networkConfiguration("office", { vlan: 200, bridge: "br0" }));
    const response = sync(hookRequest(parent, { children, related: after }), NOW);
    expect(nadsOf(response)).to.deep.equal([
      nad(
        "lan",
        '{"cniVersion":"0.3.1","name":"web-lan","type":"bridge","bridge":"br0","vlan":200,"ipam":{}}',
      ),
    ]);
  });

  it("should leave out (so delete) the NAD of a network taken out of the spec", () => {
    const related = cluster(networkConfiguration("office", { vlan: 100, bridge: "br0" }));
    const children = sync(hookRequest(onNetwork(["lan", "office"]), { related }), NOW).children.map(
      (c) => stored(c),
    );
    const response = sync(hookRequest(machine({ template: "small" }), { children, related }), NOW);
    expect(nadsOf(response)).to.deep.equal([]);
  });

  it("should keep the observed NAD while the Machine is invalid", () => {
    const related = cluster(networkConfiguration("office", { vlan: 100, bridge: "br0" }));
    const children = sync(hookRequest(onNetwork(["lan", "office"]), { related }), NOW).children.map(
      (c) => stored(c),
    );
    const broken = cluster(networkConfiguration("office", { vlan: 5000, bridge: "br0" }));
    const response = sync(
      hookRequest(onNetwork(["lan", "office"]), { children, related: broken }),
      NOW,
    );
    expect(response.status.phase).to.equal("Failed");
    expect(response.children.map((c) => c.metadata?.name)).to.deep.equal([
      "web",
      "web-root",
      "web-lan",
    ]);
  });

  it("should answer byte for byte the same for the same request", () => {
    const related = cluster(
      networkConfiguration("office", { vlan: 100, bridge: "br0", ipam: { type: "dhcp" } }),
    );
    const request = (): ReturnType<typeof hookRequest> =>
      hookRequest(onNetwork(["lan", "office"], ["pod", "office"]), { related });
    expect(JSON.stringify(sync(request(), NOW))).to.equal(JSON.stringify(sync(request(), NOW)));
  });
});

describe("finalize with NADs", () => {
  const related = cluster(networkConfiguration("office", { vlan: 100, bridge: "br0" }));
  const parent = onNetwork(["lan", "office"]);
  const desired = sync(hookRequest(parent, { related }), NOW).children;
  const applied = desired.map((child) => {
    const copy = stored(child);
    copy.metadata = { ...copy.metadata, annotations: { [LAST_APPLIED]: JSON.stringify(child) } };
    return copy;
  });
  const [vm, pvc, attachment] = applied as [KubeObject, KubeObject, KubeObject];
  const [, pvcWanted, nadWanted] = desired as [KubeObject, KubeObject, KubeObject];
  const step = (children: KubeObject[], running: boolean): ReturnType<typeof finalize> =>
    finalize(
      hookRequest(
        parent,
        { children, related: [...related, ...(running ? [vmi("web", "Running")] : [])] },
        true,
      ),
      NOW,
    );

  it("should delete the VM first, then the PVCs and NADs once the instance is gone", () => {
    const first = step([vm, pvc, attachment], true);
    expect(first.children).to.deep.equal([pvcWanted, nadWanted]);
    expect(first.status.conditions[0]?.message).to.equal("deleting VirtualMachine web");
    const waiting = step([pvc, attachment], true);
    expect(waiting.children).to.deep.equal([pvcWanted, nadWanted]);
    expect(waiting.status.conditions[0]?.message).to.equal(
      "waiting for VirtualMachineInstance web to stop",
    );
    const last = step([pvc, attachment], false);
    expect(last.children).to.deep.equal([]);
    expect(last.finalized).to.equal(false);
    expect(last.status.conditions[0]?.message).to.equal(
      "deleting PVCs web-root and NetworkAttachmentDefinitions web-lan",
    );
    const nadOnly = step([attachment], false);
    expect(nadOnly.status.conditions[0]?.message).to.equal(
      "deleting NetworkAttachmentDefinitions web-lan",
    );
    expect(step([], false).finalized).to.equal(true);
  });
});
