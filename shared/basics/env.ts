/** Parsers for settings read from the environment: a wrong value names its variable. */

/** A boolean setting: true/1/yes/on or false/0/no/off; unset or empty gives `fallback`. */
export function parseBoolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = raw.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(value)) return true;
  if (["false", "0", "no", "off"].includes(value)) return false;
  throw new Error(`${name}="${raw}" is not a boolean; use true or false`);
}

/** A positive whole number of milliseconds; unset or empty gives `fallback`. */
export function parseMs(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  throw new Error(`${name}="${raw}" is not a positive whole number of milliseconds`);
}

/** A positive whole number such as a device limit; a wrong value names the variable. */
export function parseCount(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  throw new Error(`${name}="${raw}" is not a positive whole number`);
}
