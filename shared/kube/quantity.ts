// Kubernetes resource quantities (`100m`, `1.5Gi`, `2e3`), exactly: parsed to whole nano-units as
// a bigint, so that sums and comparisons never round (`1Gi` equals `1024Mi`). Below a nano-unit
// the API server rounds up, and so does this.

const QUANTITY =
  /^(\+|-)?(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

const BINARY = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
const DECIMAL: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const NANO = 10n ** 9n;

/** The quantity in nano-units (`1` is 10^9, `1m` is 10^6), or undefined when it is not one. */
export function parseQuantity(raw: string): bigint | undefined {
  const match = QUANTITY.exec(raw.trim());
  if (!match) return undefined;
  const [, sign, number = "", suffix = "", exponent] = match;
  const [whole = "", fraction = ""] = number.split(".");
  const digits = BigInt(`${whole}${fraction}` || "0") * 1024n ** BigInt(BINARY.indexOf(suffix) + 1);
  const power = tenPower(suffix, exponent) - fraction.length + 9;
  const value = power >= 0 ? digits * 10n ** BigInt(power) : ceilDiv(digits, 10n ** BigInt(-power));
  return sign === "-" ? -value : value;
}

function tenPower(suffix: string, exponent: string | undefined): number {
  return exponent === undefined ? (DECIMAL[suffix] ?? 0) : Number(exponent);
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * The quantity as the API accepts it, exact: whole numbers plain (`2`), or with the largest binary
 * (memory) or decimal suffix that divides them (`2176Mi`, `70M`); fractions as `m` or `n`.
 */
export function formatQuantity(nano: bigint, options: { binary?: boolean } = {}): string {
  if (nano % NANO !== 0n) return nano % 10n ** 6n === 0n ? `${nano / 10n ** 6n}m` : `${nano}n`;
  const whole = nano / NANO;
  if (whole === 0n || !options.binary) return `${whole}`;
  const units: [string, bigint][] = [
    ...BINARY.map((suffix, i): [string, bigint] => [suffix, 1024n ** BigInt(i + 1)]).reverse(),
    ...Object.entries(DECIMAL)
      .filter(([, power]) => power > 0)
      .map(([suffix, power]): [string, bigint] => [suffix, 10n ** BigInt(power)])
      .reverse(),
  ];
  const [suffix, unit] = units.find(([, u]) => whole % u === 0n) ?? ["", 1n];
  return `${whole / unit}${suffix}`;
}

/** Whether two quantities are the same amount, however written; an unreadable one equals nothing. */
export function sameQuantity(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const left = parseQuantity(a);
  return left !== undefined && left === parseQuantity(b);
}
