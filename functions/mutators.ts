import type { Feature } from "../shared/admission/feature.ts";
import { nestedVirt } from "./nested-virt/feature.ts";
import { vbiosInjection } from "./vbios-injection/feature.ts";

/**
 * The mutating functions in the order of their webhook entries in knative/; the preview runs them
 * in this order, each reading the cluster snapshot through the same reader interface as live.
 */
export const mutators: readonly (() => Feature)[] = [
  () => nestedVirt() as Feature,
  () => vbiosInjection() as Feature,
];
