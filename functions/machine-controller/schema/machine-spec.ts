import {
  ACCESS_MODES,
  BOOT_DEVICES,
  CLOUD_INIT_KEYS,
  DISK_TYPES,
  INTERFACE_MODELS,
  TEMPLATE_NAMES,
  VOLUME_MODES,
} from "../api.ts";
import type { Schema } from "./fields.ts";
import {
  dnsLabel,
  dnsSubdomain,
  flag,
  integer,
  listByName,
  object,
  oneOf,
  quantity,
  text,
} from "./fields.ts";

/** KubeVirt refuses inline cloud-init data over 2 KiB; larger data goes in a Secret. */
export const CLOUD_INIT_MAX_BYTES = 2048;

const secretName = dnsSubdomain("A Secret in the Machine's namespace.");
const configMapName = dnsSubdomain("A ConfigMap in the Machine's namespace.");

/** CDI's DataVolume source, in its own form: where the disk's first contents come from. */
const source: Schema = object(
  "What CDI fills the disk with before the VM starts (a DataVolume source): exactly one of http, registry, pvc, blank. Fixed once the disk exists.",
  {
    http: object(
      "An image over HTTP(S): raw, qcow2 or ISO, optionally compressed.",
      {
        url: text("The image's URL.", { maxLength: 2048, pattern: "^https?://" }),
        secretRef: secretName,
        certConfigMap: configMapName,
      },
      { required: ["url"] },
    ),
    registry: object(
      "A container disk image in a registry.",
      {
        url: text("docker://<image> or oci-archive://<file>.", {
          maxLength: 2048,
          pattern: "^(docker|oci-archive)://",
        }),
      },
      { required: ["url"] },
    ),
    pvc: object(
      "A PVC to clone (CDI must be allowed to clone from its namespace).",
      { namespace: dnsLabel("The PVC's namespace."), name: dnsSubdomain("The PVC's name.") },
      { required: ["namespace", "name"] },
    ),
    blank: object("An empty disk, made by CDI.", {}),
  },
  {
    "x-kubernetes-validations": [
      {
        rule: "[has(self.http), has(self.registry), has(self.pvc), has(self.blank)].filter(x, x).size() == 1",
        message: "set exactly one of http, registry, pvc and blank",
      },
    ],
  },
);

const disk: Schema = object(
  "A disk: a PersistentVolumeClaim <machine>-<name>, or with a source a DataVolume of that name that CDI fills. The entry named root overrides the template's root disk field by field.",
  {
    name: dnsLabel("The disk's name; root is the template's root disk."),
    size: quantity(
      "The PVC's size, e.g. 40Gi; required except for root. Grows the PVC, never shrinks it.",
    ),
    storageClass: dnsSubdomain(
      "The StorageClass; default: the cluster's default class. Fixed once the PVC exists.",
    ),
    accessMode: oneOf(ACCESS_MODES, "Default ReadWriteOnce. Fixed once the PVC exists."),
    volumeMode: oneOf(VOLUME_MODES, "Default Filesystem. Fixed once the PVC exists."),
    type: oneOf(DISK_TYPES, "disk (default) or cdrom (SATA, read-only)."),
    source,
  },
  { required: ["name"] },
);

const network: Schema = object(
  "A network interface, attached to the network a NetworkConfiguration names.",
  {
    name: dnsLabel("The interface's name, unique in the Machine."),
    networkName: dnsSubdomain("A NetworkConfiguration in the Machine's namespace."),
    model: oneOf(INTERFACE_MODELS, "The emulated NIC; default virtio."),
    macAddress: text("A fixed MAC address, e.g. 02:00:00:00:00:01.", {
      pattern: "^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$",
    }),
  },
  { required: ["name", "networkName"] },
);

const cloudInit: Schema = object(
  "cloud-init NoCloud data: inline userData, or a Secret by reference (never copied).",
  {
    userData: text("Inline user data (at most 2 KiB).", { maxLength: CLOUD_INIT_MAX_BYTES }),
    networkData: text("Inline network data (at most 2 KiB).", { maxLength: CLOUD_INIT_MAX_BYTES }),
    secretRef: object(
      "A Secret in the Machine's namespace that holds the user data.",
      {
        name: dnsSubdomain("The Secret's name."),
        key: oneOf(
          CLOUD_INIT_KEYS,
          "The key holding the user data (what KubeVirt reads); default userdata.",
        ),
      },
      { required: ["name"] },
    ),
  },
  {
    "x-kubernetes-validations": [
      {
        rule: "!(has(self.userData) && has(self.secretRef))",
        message: "set userData or secretRef, not both",
      },
    ],
  },
);

const domain: Schema = object("Machine type, features and firmware of the guest.", {
  machine: object("The emulated machine.", {
    type: text("The QEMU machine type, e.g. q35; default: KubeVirt's.", {
      maxLength: 63,
      pattern: "^[a-z0-9][a-z0-9._-]*$",
    }),
  }),
  features: object("Guest features; unset means KubeVirt's default.", {
    acpi: flag("ACPI on or off."),
    apic: flag("APIC on or off."),
    hyperv: flag("Hyper-V enlightenments for Windows guests (relaxed, vapic, spinlocks)."),
  }),
  firmware: object("Firmware.", {
    bootloader: object(
      "BIOS (default) or EFI.",
      {
        efi: flag("Boot with EFI instead of BIOS."),
        secureBoot: flag("EFI Secure Boot (needs efi: true; turns SMM on)."),
      },
      {
        "x-kubernetes-validations": [
          {
            rule: "!(has(self.secureBoot) && self.secureBoot) || (has(self.efi) && self.efi)",
            message: "secureBoot needs efi: true",
          },
        ],
      },
    ),
  }),
});

/** `spec` of a Machine: the shape the API server enforces and the function checks again. */
export const machineSpecSchema: Schema = object(
  "The VM a Machine describes: a template and overrides.",
  {
    template: oneOf(
      TEMPLATE_NAMES,
      "small (1 CPU, 2Gi, 20Gi disk), medium (2, 4Gi, 40Gi) or large (4, 8Gi, 80Gi).",
    ),
    running: flag("Run the VM (true, the default) or keep it stopped (false)."),
    resources: object("Overrides of the template's CPU and memory, field by field.", {
      cpu: object("CPU topology.", {
        cores: integer("Cores per socket.", 1, 512),
        threads: integer("Threads per core.", 1, 8),
        sockets: integer("Sockets.", 1, 64),
      }),
      memory: object("Guest memory.", { size: quantity("e.g. 8Gi.") }),
    }),
    disks: listByName("Disks in order after root; each is a PVC.", disk, 16),
    networks: listByName("Network interfaces, in order.", network, 16),
    bootOrder: {
      type: "array",
      description:
        "Boot devices in order: disk (the root disk), network (the first interface), cdrom.",
      maxItems: 3,
      items: oneOf(BOOT_DEVICES, "A boot device."),
      "x-kubernetes-list-type": "set",
    },
    cloudInit,
    domain,
  },
  { required: ["template"] },
);
