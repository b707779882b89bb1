import { BINDINGS } from "../api.ts";
import type { Schema } from "./fields.ts";
import { integer, object, oneOf, text } from "./fields.ts";

/** `spec` of a NetworkConfiguration: the network a Machine's interface lands on. */
export const networkConfigurationSpecSchema: Schema = object(
  "A named network for Machines: a Multus network (NetworkAttachmentDefinition), the pod network, or a VLAN on a host bridge (each Machine network gets a NetworkAttachmentDefinition of its own).",
  {
    description: text("What this network is for.", { maxLength: 1024 }),
    vlan: integer(
      "The VLAN the bridge tags. Without multus or pod, each Machine network gets a NetworkAttachmentDefinition (bridge CNI) with it.",
      1,
      4094,
    ),
    bridge: text(
      "The host bridge, a Linux interface name, e.g. br-vlan100. Without multus or pod, each Machine network gets a NetworkAttachmentDefinition (bridge CNI) on it (default cni0, the bridge plugin's).",
      { minLength: 1, maxLength: 15, pattern: "^[^/:\\s]+$" },
    ),
    ipam: {
      type: "object",
      description:
        "The CNI ipam section of the NetworkAttachmentDefinition made for a VLAN or bridge (default {}: none, the guest configures its address).",
      "x-kubernetes-preserve-unknown-fields": true,
    },
    multus: object(
      "Attach through Multus.",
      {
        networkName: text(
          "The NetworkAttachmentDefinition: name (in the Machine's namespace) or namespace/name.",
          {
            maxLength: 317,
            pattern: "^([a-z0-9]([-a-z0-9]*[a-z0-9])?/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
          },
        ),
      },
      { required: ["networkName"] },
    ),
    pod: object("Attach to the pod network (at most one interface per Machine).", {}),
    binding: oneOf(
      BINDINGS,
      "How the interface is bound: bridge (default for multus) or masquerade (default, and only, for pod).",
    ),
  },
  {
    "x-kubernetes-validations": [
      {
        rule: "!(has(self.multus) && has(self.pod))",
        message: "set at most one of multus and pod",
      },
      {
        rule: "has(self.multus) || has(self.pod) || has(self.vlan) || has(self.bridge)",
        message: "set multus, pod, or vlan and/or bridge",
      },
      {
        rule: "!has(self.bridge) || (self.bridge != '.' && self.bridge != '..')",
        message: "bridge must be a Linux interface name, not . or ..",
      },
      {
        rule: "!has(self.binding) || self.binding != 'masquerade' || has(self.pod)",
        message: "masquerade works on the pod network only",
      },
    ],
  },
);
