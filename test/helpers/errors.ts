/** The error of class `kind` that `run` throws; anything else (or nothing) fails the test. */
export function thrown<E extends Error>(
  kind: abstract new (...args: never[]) => E,
  run: () => unknown,
): E {
  try {
    run();
  } catch (error) {
    if (error instanceof kind) return error;
    throw error;
  }
  throw new Error(`expected a ${kind.name}, but nothing was thrown`);
}

/** The error of class `kind` that `promise` rejects with; anything else fails the test. */
export async function rejected<E extends Error>(
  kind: abstract new (...args: never[]) => E,
  promise: Promise<unknown>,
): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof kind) return error;
  throw new Error(`expected a ${kind.name}, got ${String(error)}`);
}

/** The one-line answer of `feature` for a field whose value is not what its schema says. */
export function fieldTypeMessage(feature: string, field: string, expected: string): string {
  return `${feature}: ${field} must be ${expected} (field ${field}). Fix: write ${field} as ${expected}, or leave it out`;
}
