import { triggerAnnotation } from "../../shared/admission/annotations.ts";
import { FeatureError } from "../../shared/basics/errors.ts";
import type { VirtualMachine } from "../../shared/kubevirt/types.ts";
import { HOOK_CONFIGMAP } from "./hook-program.ts";
import type { VbiosSettings } from "./settings.ts";

export const FEATURE = "vbios-injection";
/** Value: the name of the ConfigMap, in the VM's namespace, that holds the ROM. */
export const TRIGGER = triggerAnnotation(FEATURE);
/** Value: the hostDevices[] or gpus[] entry (or a comma-separated list) that gets the ROM. */
export const TARGET = "vm-feature-manager.io/vbios-target";
/** Value: the hook sidecar's image, instead of KubeVirt's own sidecar-shim. */
export const SIDECAR_IMAGE = "vm-feature-manager.io/sidecar-image";

/** What the VM's own annotations ask for. */
export interface Intent {
  configMap: string;
  /** Absent: the VM's only passed-through device. */
  targets?: string[];
  image?: string;
}

const field = (key: string): string => `metadata.annotations["${key}"]`;
// A ConfigMap name is a DNS-1123 subdomain.
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Undefined when the VM does not ask (the webhook's matchConditions skip it; the preview does not). */
export function readIntent(
  vm: Readonly<VirtualMachine>,
  namespace: string,
  settings: VbiosSettings,
): Intent | undefined {
  const annotations = vm.metadata?.annotations ?? {};
  const trigger = annotations[TRIGGER];
  if (trigger === undefined) return undefined;
  const intent: Intent = { configMap: configMapName(trigger, namespace) };
  const targets = annotations[TARGET];
  if (targets !== undefined) intent.targets = targetNames(targets);
  const image = annotations[SIDECAR_IMAGE] ?? settings.sidecarImage;
  if (image !== undefined) intent.image = imageReference(image);
  return intent;
}

function configMapName(raw: string, namespace: string): string {
  const name = raw.trim();
  if (name.includes("/")) {
    throw new FeatureError(
      `"${raw}" names another namespace; the ROM is only read from the VM's own namespace`,
      {
        field: field(TRIGGER),
        fix: `put the ROM ConfigMap in namespace ${namespace} and give its name alone`,
      },
    );
  }
  if (name === HOOK_CONFIGMAP) {
    throw new FeatureError(`"${name}" is the name of the ConfigMap that holds the hook program`, {
      field: field(TRIGGER),
      fix: "keep the ROM in a ConfigMap of another name",
    });
  }
  if (name.length > 253 || !SUBDOMAIN.test(name)) {
    throw new FeatureError(`"${raw}" is not a ConfigMap name`, {
      field: field(TRIGGER),
      fix: `set it to the name of the ConfigMap in namespace ${namespace} that holds the ROM under binaryData.rom`,
    });
  }
  return name;
}

function targetNames(raw: string): string[] {
  const names = [...new Set(raw.split(",").map((n) => n.trim()))].filter((n) => n !== "");
  const bad = names.find((n) => /\s/.test(n));
  if (names.length === 0 || bad !== undefined) {
    throw new FeatureError(
      bad === undefined ? "the annotation names no device" : `"${bad}" is not a device name`,
      {
        field: field(TARGET),
        fix: "set it to the name of a gpus[] or hostDevices[] entry (several: comma-separated), or remove it to use the VM's only device",
      },
    );
  }
  return names;
}

function imageReference(raw: string): string {
  const image = raw.trim();
  if (image === "" || /\s/.test(image)) {
    throw new FeatureError(`"${raw}" is not an image reference`, {
      field: field(SIDECAR_IMAGE),
      fix: "name an image that runs KubeVirt's sidecar-shim (with python3), or remove the annotation to use KubeVirt's own",
    });
  }
  return image;
}
