// Multus's NetworkAttachmentDefinition CRD (k8s.cni.cncf.io/v1), written here: the module that
// defines it (github.com/k8snetworkplumbingwg/network-attachment-definition-client) is not served
// by the Go module proxy. It declares what the Network Plumbing Working Group's CRD declares: a
// namespaced object whose spec holds `config`, a CNI configuration as a JSON string.

export const NETWORK_ATTACHMENT_CRD: Record<string, unknown> = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "network-attachment-definitions.k8s.cni.cncf.io" },
  spec: {
    group: "k8s.cni.cncf.io",
    names: {
      kind: "NetworkAttachmentDefinition",
      plural: "network-attachment-definitions",
      singular: "network-attachment-definition",
      shortNames: ["net-attach-def"],
    },
    scope: "Namespaced",
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: { type: "object", properties: { config: { type: "string" } } },
            },
          },
        },
      },
    ],
  },
};
