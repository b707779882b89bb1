import type { Feature } from "../shared/admission/feature.ts";
import { DECLARED } from "./declarations.ts";

/**
 * Every mutating function's Feature, in the registry's order: the order of their webhooks
 * (shared/preview/chain.ts runs them so).
 */
export const mutators: readonly (() => Feature)[] = await Promise.all(
  DECLARED.filter((d) => d.kind === "admission").map(({ name, admission }) => {
    if (!admission)
      throw new Error(`functions/${name}/declaration.ts declares no admission Feature`);
    return admission.feature();
  }),
);
