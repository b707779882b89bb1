import { DECLARED } from "../../functions/declarations.ts";
import type { FunctionLine } from "./line.ts";

/**
 * The reliability suite's one table: every function's line, as its folder declares it
 * (functions/<name>/declaration.ts), in the registry's order.
 */
export const FUNCTIONS: Readonly<Record<string, FunctionLine>> = Object.fromEntries(
  await Promise.all(DECLARED.map(async (d) => [d.name, await d.reliability()] as const)),
);
