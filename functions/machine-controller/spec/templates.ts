import type { AccessMode, TemplateName, VolumeMode } from "../api.ts";

export interface Template {
  cores: number;
  threads: number;
  sockets: number;
  memory: string;
  rootDisk: string;
}

/** The sizes a Machine starts from; `spec.resources` and `spec.disks` override them field by field. */
export const TEMPLATES: Readonly<Record<TemplateName, Template>> = {
  small: { cores: 1, threads: 1, sockets: 1, memory: "2Gi", rootDisk: "20Gi" },
  medium: { cores: 2, threads: 1, sockets: 1, memory: "4Gi", rootDisk: "40Gi" },
  large: { cores: 4, threads: 1, sockets: 1, memory: "8Gi", rootDisk: "80Gi" },
};

/** The template's root disk is named `root`; a `spec.disks` entry of that name overrides it. */
export const ROOT_DISK = "root";

/** What a disk gets when the Machine does not say: one writer, a filesystem (the class is the cluster's default). */
export const DISK_DEFAULTS: { accessMode: AccessMode; volumeMode: VolumeMode } = {
  accessMode: "ReadWriteOnce",
  volumeMode: "Filesystem",
};

/** The annotation a cluster marks its default StorageClass with. */
export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

/** The volume and disk that carry cloud-init NoCloud data; no Machine disk may take the name. */
export const CLOUD_INIT_VOLUME = "cloudinit";
