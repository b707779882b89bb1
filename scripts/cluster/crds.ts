// CRDs for the kinds the product and its examples use whose owners are not installed here
// (KubeVirt, Harvester's PCIDevice, Knative Serving, cert-manager, Metacontroller): each accepts
// any content, so objects are stored as written and nothing is pruned.
import type { KubeObject } from "./api.ts";

interface StandIn {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
}

const STAND_INS: readonly StandIn[] = [
  {
    group: "kubevirt.io",
    version: "v1",
    kind: "VirtualMachine",
    plural: "virtualmachines",
    namespaced: true,
  },
  {
    group: "kubevirt.io",
    version: "v1",
    kind: "VirtualMachineInstance",
    plural: "virtualmachineinstances",
    namespaced: true,
    shortNames: ["vmi", "vmis"],
  },
  {
    group: "kubevirt.io",
    version: "v1",
    kind: "KubeVirt",
    plural: "kubevirts",
    namespaced: true,
    shortNames: ["kv", "kvs"],
  },
  {
    group: "devices.harvesterhci.io",
    version: "v1beta1",
    kind: "PCIDevice",
    plural: "pcidevices",
    namespaced: false,
  },
  {
    group: "serving.knative.dev",
    version: "v1",
    kind: "Service",
    plural: "services",
    namespaced: true,
  },
  { group: "cert-manager.io", version: "v1", kind: "Issuer", plural: "issuers", namespaced: true },
  {
    group: "cert-manager.io",
    version: "v1",
    kind: "Certificate",
    plural: "certificates",
    namespaced: true,
  },
  {
    group: "metacontroller.k8s.io",
    version: "v1alpha1",
    kind: "CompositeController",
    plural: "compositecontrollers",
    namespaced: false,
  },
];

function crd(standIn: StandIn): KubeObject {
  const { group, version, kind, plural, namespaced, shortNames } = standIn;
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: `${plural}.${group}`,
      // The API server insists on this for *.k8s.io groups; Metacontroller's own CRDs say the same.
      ...(group.endsWith(".k8s.io")
        ? { annotations: { "api-approved.kubernetes.io": "unapproved, request not yet submitted" } }
        : {}),
    },
    spec: {
      group,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List`, shortNames },
      scope: namespaced ? "Namespaced" : "Cluster",
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
          },
        },
      ],
    },
  };
}

/** The stand-in CRDs, one per kind whose owner's own CRDs are not installed. */
export function standInCrds(): KubeObject[] {
  return STAND_INS.map(crd);
}
