import { servedNames } from "./registry.ts";
import type { start } from "../shared/runtime/start.ts";

/**
 * Every function the image can serve (functions/registry.ts), loaded on demand so that a function
 * pays only for its own imports at cold start (the build turns each into its own chunk).
 */
export const targets: Record<string, () => Promise<unknown>> = Object.fromEntries(
  servedNames().map((name) => [name, () => import(`./${name}/index.ts`)]),
);

/**
 * Loads a function and what serves it. The image's build replaces this module: there each
 * function is a bundle of its own (function, Functions Framework and start together) and this
 * imports that file, so that a cold start loads two files rather than the chunks a shared build
 * splits them into.
 */
export async function loadTarget(name: string): Promise<{ start: typeof start }> {
  await targets[name]?.();
  return import("../shared/runtime/start.ts");
}
