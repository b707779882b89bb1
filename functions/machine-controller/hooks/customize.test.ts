import { expect } from "chai";
import { machine } from "../../../test/helpers/machines.ts";
import { customize } from "./customize.ts";

const instance = {
  apiVersion: "kubevirt.io/v1",
  resource: "virtualmachineinstances",
  namespace: "default",
  names: ["web"],
};
const defaultClass = {
  apiVersion: "storage.k8s.io/v1",
  resource: "storageclasses",
  names: ["default"],
};

describe("customize", () => {
  const cases: { name: string; spec: unknown; want: unknown[] }[] = [
    {
      name: "a template only: the default StorageClass and the instance",
      spec: { template: "small" },
      want: [defaultClass, instance],
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
      name: "a disk without a class: the default one too",
      spec: { template: "small", disks: [{ name: "d", size: "1Gi" }] },
      want: [defaultClass, instance],
    },
    {
      name: "a malformed spec: still the default class and the instance, nothing by empty names",
      spec: { disks: "many", networks: [7, { networkName: 3 }], cloudInit: { secretRef: "x" } },
      want: [defaultClass, instance],
    },
    { name: "no spec", spec: undefined, want: [defaultClass, instance] },
  ];
  for (const tc of cases) {
    it(`should ask for ${tc.name}`, () => {
      expect(customize(machine(tc.spec))).to.deep.equal({ relatedResources: tc.want });
    });
  }
});
