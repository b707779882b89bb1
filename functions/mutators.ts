import type { Feature } from "../shared/admission/feature.ts";
import { gpuDevicePlugin } from "./gpu-device-plugin/feature.ts";
import { imdsInjector } from "./imds-injector/feature.ts";
import { macvtapCapabilities } from "./macvtap-capabilities/feature.ts";
import { nestedVirt } from "./nested-virt/feature.ts";
import { pciPassthrough } from "./pci-passthrough/feature.ts";
import { vbiosInjection } from "./vbios-injection/feature.ts";

/**
 * Every mutating function. The order they run in is the order of their entries in
 * knative/webhooks.yaml (shared/preview/chain.ts), so it is written down once.
 */
export const mutators: readonly (() => Feature)[] = [
  () => nestedVirt() as Feature,
  () => pciPassthrough() as Feature,
  () => gpuDevicePlugin() as Feature,
  () => vbiosInjection() as Feature,
  () => macvtapCapabilities() as Feature,
  () => imdsInjector() as Feature,
];
