import { GROUP } from "../api.ts";
import type { Schema } from "./fields.ts";
import { machineSpecSchema } from "./machine-spec.ts";
import { machineStatusSchema } from "./machine-status.ts";
import { networkConfigurationSpecSchema } from "./network-configuration.ts";

// The two CustomResourceDefinitions, built from the same schemas the function validates with.
// knative/machine-crds.yaml is this, written by `npm run machine-crds`; a test keeps them equal.

interface CrdOptions {
  kind: string;
  plural: string;
  shortNames: string[];
  root: Schema;
  status: boolean;
  columns: Schema[];
}

const column = (name: string, jsonPath: string, type = "string"): Schema => ({
  name,
  type,
  jsonPath,
});

function crd({ kind, plural, shortNames, root, status, columns }: CrdOptions): Schema {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: "Namespaced",
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), shortNames },
      versions: [
        {
          name: "v1alpha1",
          served: true,
          storage: true,
          ...(status ? { subresources: { status: {} } } : {}),
          additionalPrinterColumns: [
            ...columns,
            column("Age", ".metadata.creationTimestamp", "date"),
          ],
          schema: { openAPIV3Schema: root },
        },
      ],
    },
  };
}

const rootOf = (description: string, properties: Schema, extra: Schema = {}): Schema => ({
  type: "object",
  description,
  required: ["spec"],
  properties: {
    apiVersion: { type: "string" },
    kind: { type: "string" },
    metadata: { type: "object" },
    ...properties,
  },
  ...extra,
});

export const machineCrd: Schema = crd({
  kind: "Machine",
  plural: "machines",
  shortNames: ["vitimachine"],
  status: true,
  root: rootOf(
    "A virtual machine described by template and overrides; machine-controller turns it into a KubeVirt VirtualMachine and its disks.",
    { spec: machineSpecSchema, status: machineStatusSchema },
    {
      "x-kubernetes-validations": [
        {
          rule: "self.metadata.name.size() <= 63",
          message: "a Machine's name is its VM's and a label value: at most 63 characters",
        },
      ],
    },
  ),
  columns: [
    column("Template", ".spec.template"),
    column("Phase", ".status.phase"),
    column("VM", ".status.vmName"),
    column("Node", ".status.nodeName"),
    column("IP", ".status.ipAddresses[0]"),
  ],
});

export const networkConfigurationCrd: Schema = crd({
  kind: "NetworkConfiguration",
  plural: "networkconfigurations",
  shortNames: ["netconf"],
  status: false,
  root: rootOf("A network Machines attach to by name.", { spec: networkConfigurationSpecSchema }),
  columns: [
    column("Multus", ".spec.multus.networkName"),
    column("VLAN", ".spec.vlan", "integer"),
    column("Bridge", ".spec.bridge"),
  ],
});

export const CRDS: readonly Schema[] = [machineCrd, networkConfigurationCrd];
