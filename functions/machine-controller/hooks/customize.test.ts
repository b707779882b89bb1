import { expect } from "chai";
import { machine } from "../../../test/helpers/machines.ts";
import { customize } from "./customize.ts";

const instance = {
  apiVersion: "kubevirt.io/v1",
  resource: "virtualmachineinstances",
  namespace: "default",
  names: ["web"],
};
// A disk without a class takes the cluster's default, found among all StorageClasses.
const everyClass = {
  apiVersion: "storage.k8s.io/v1",
  resource: "storageclasses",
  labelSelector: {},
};

describe("customize", () => {
  const cases: { name: string; spec: unknown; want: unknown[] }[] = [
    {
      name: "a template only: every StorageClass (to find the default) and the instance",
      spec: { template: "small" },
      want: [everyClass, instance],
    },
    {
      name: "every NetworkConfiguration, StorageClass and the Secret, each once and sorted",
      spec: {
        template: "small",
        disks: [
          { name: "root", storageClass: "fast" },
          { name: "a", size: "1Gi", storageClass: "slow" },
          { name: "b", size: "1Gi", storageClass: "fast" },
        ],
        networks: [
          { name: "x", networkName: "vlan-2" },
          { name: "y", networkName: "pod" },
          { name: "z", networkName: "vlan-2" },
        ],
        cloudInit: { secretRef: { name: "web-ci" } },
      },
      want: [
        {
          apiVersion: "vitistack.io/v1alpha1",
          resource: "networkconfigurations",
          namespace: "default",
          names: ["pod", "vlan-2"],
        },
        { apiVersion: "storage.k8s.io/v1", resource: "storageclasses", names: ["fast", "slow"] },
        instance,
        { apiVersion: "v1", resource: "secrets", namespace: "default", names: ["web-ci"] },
      ],
    },
    {
      name: "a disk without a class: every StorageClass",
      spec: { template: "small", disks: [{ name: "d", size: "1Gi" }] },
      want: [everyClass, instance],
    },
    {
      name: "a malformed spec: still every StorageClass and the instance, nothing by empty names",
      spec: { disks: "many", networks: [7, { networkName: 3 }], cloudInit: { secretRef: "x" } },
      want: [everyClass, instance],
    },
    { name: "no spec", spec: undefined, want: [everyClass, instance] },
  ];
  for (const tc of cases) {
    it(`should ask for ${tc.name}`, () => {
      expect(customize(machine(tc.spec))).to.deep.equal({ relatedResources: tc.want });
    });
  }
});
