// Harvester's PCIDevice CRD (devices.harvesterhci.io/v1beta1), written here: the module that
// defines it (github.com/harvester/pcidevices) is not served by the Go module proxy. It keeps what
// Harvester's pcidevices chart declares and pci-passthrough reads: a cluster-scoped object whose
// status (a subresource) holds the device's address, ids, node and resource name.

const text = { type: "string", nullable: true };
const STATUS_FIELDS = [
  "address",
  "vendorId",
  "deviceId",
  "classId",
  "iommuGroup",
  "nodeName",
  "resourceName",
  "description",
  "kernelDriverInUse",
] as const;

const column = (name: string, field: string): Record<string, string> => ({
  name,
  type: "string",
  jsonPath: `.status.${field}`,
});

export const PCI_DEVICE_CRD: Record<string, unknown> = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "pcidevices.devices.harvesterhci.io" },
  spec: {
    group: "devices.harvesterhci.io",
    names: { kind: "PCIDevice", plural: "pcidevices", singular: "pcidevice" },
    scope: "Cluster",
    versions: [
      {
        name: "v1beta1",
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          column("Address", "address"),
          column("Vendor Id", "vendorId"),
          column("Device Id", "deviceId"),
          column("Node Name", "nodeName"),
          column("Description", "description"),
          column("Kernel Driver In Use", "kernelDriverInUse"),
        ],
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: { type: "object" },
              status: {
                type: "object",
                properties: Object.fromEntries(STATUS_FIELDS.map((f) => [f, text])),
              },
            },
          },
        },
      },
    ],
  },
};
