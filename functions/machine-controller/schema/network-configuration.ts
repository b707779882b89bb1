import { BINDINGS } from "../api.ts";
import type { Schema } from "./fields.ts";
import { integer, object, oneOf, text } from "./fields.ts";

/** `spec` of a NetworkConfiguration: the network a Machine's interface lands on. */
export const networkConfigurationSpecSchema: Schema = object(
  "A named network for Machines: a Multus network (NetworkAttachmentDefinition) or the pod network.",
  {
    description: text("What this network is for.", { maxLength: 1024 }),
    vlan: integer(
      "The VLAN the network's bridge tags (0: untagged), as configured in the NetworkAttachmentDefinition.",
      0,
      4094,
    ),
    bridge: text("The host bridge the NetworkAttachmentDefinition attaches to, e.g. br-vlan100.", {
      maxLength: 15,
    }),
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
      { rule: "has(self.multus) != has(self.pod)", message: "set exactly one of multus and pod" },
      {
        rule: "!has(self.binding) || self.binding != 'masquerade' || has(self.pod)",
        message: "masquerade works on the pod network only",
      },
    ],
  },
);
