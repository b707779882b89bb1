import type { Feature } from "../shared/admission/feature.ts";
import { gpuDevicePlugin } from "./gpu-device-plugin/feature.ts";
import { imdsInjector } from "./imds-injector/feature.ts";
import { macvtapCapabilities } from "./macvtap-capabilities/feature.ts";
import { nestedVirt } from "./nested-virt/feature.ts";
import { pciPassthrough } from "./pci-passthrough/feature.ts";
import { vbiosInjection } from "./vbios-injection/feature.ts";
import { namesOf } from "./registry.ts";

// Imported here, not in the registry: the registry is what main.ts loads, and a function must not
// load the others' features.
const FEATURES: Readonly<Record<string, () => Feature>> = {
  "nested-virt": nestedVirt,
  "pci-passthrough": pciPassthrough,
  "gpu-device-plugin": gpuDevicePlugin,
  "vbios-injection": vbiosInjection,
  "macvtap-capabilities": macvtapCapabilities,
  "imds-injector": imdsInjector,
};

/**
 * Every mutating function's Feature, in the registry's order: the order of their webhooks
 * (shared/preview/chain.ts runs them so).
 */
export const mutators: readonly (() => Feature)[] = namesOf("admission").map((name) => {
  const make = FEATURES[name];
  if (!make)
    throw new Error(`functions/mutators.ts has no Feature for ${name}; add it to FEATURES`);
  return make;
});
