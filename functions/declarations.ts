import type { Declaration } from "./declaration.ts";
import { FUNCTIONS } from "./registry.ts";
import type { FunctionKind } from "./registry.ts";

/** A registry entry with its folder's declaration. */
export interface Declared extends Declaration {
  name: string;
  kind: FunctionKind;
}

/**
 * Every function's declaration, in the registry's order. Tools and tests import this, never
 * main.ts: it loads every admission function's Feature.
 */
export const DECLARED: readonly Declared[] = await Promise.all(
  FUNCTIONS.map(async ({ name, kind, declaration }) => ({
    ...(await declaration()).declaration,
    name,
    kind,
  })),
);
