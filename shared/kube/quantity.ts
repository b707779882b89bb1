// Kubernetes resource quantities (`100m`, `1.5Gi`, `2e3`), parsed and printed as
// k8s.io/apimachinery's resource.Quantity does. Values are exact: whole nano-units as a bigint, so
// that sums and comparisons never round (`1Gi` equals `1024Mi`); below a nano-unit the API server
// rounds up, and so does this. The API server stores every quantity in the canonical form printed
// here, so an object that carries any other spelling (`3072Mi` for `3Gi`) differs from what is
// observed on every sync and is updated forever.

import { FeatureError } from "../basics/errors.ts";

/** A Kubernetes quantity as written: `40Gi`, or a plain number (of bytes, cores ...). */
export type QuantityInput = string | number;

/** How the API server prints a quantity (apimachinery's formats). */
export type QuantityFormat = "BinarySI" | "DecimalSI" | "DecimalExponent";

/** A parsed resource quantity, exact. */
export interface Quantity {
  /** The value in units of 10^-9, rounded up as the API server rounds (nano precision). */
  readonly nanos: bigint;
  readonly format: QuantityFormat;
}

const NANO = 1_000_000_000n;
const BINARY = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"] as const;
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
const SYNTAX =
  /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE])|[eE]([+-]?[0-9]+))?$/;

// Reviews spell the same few quantities over and over (`100m`, `1Gi`): each spelling is read
// once, into a frozen value every caller shares. Emptied when full, so no input grows it for good.
const parsed = new Map<string, Quantity | undefined>();
const PARSED_MAX = 1024;

/** The quantity, or undefined when `input` is not one (`1.5.2`, `10GB`, `K`). */
export function parseQuantity(input: QuantityInput): Quantity | undefined {
  const text = textOf(input);
  const known = parsed.get(text);
  if (known !== undefined || parsed.has(text)) return known;
  if (parsed.size >= PARSED_MAX) parsed.clear();
  const quantity = read(text);
  parsed.set(text, quantity);
  return quantity;
}

/** The quantity `input` at `field`; one that is not a quantity is a FeatureError naming the field. */
export function readQuantity(input: QuantityInput, field: string): Quantity {
  const quantity = parseQuantity(input);
  if (quantity) return quantity;
  throw new FeatureError(`${JSON.stringify(input)} is not a resource quantity`, {
    field,
    fix: "write it as Kubernetes does, e.g. 500m or 2Gi",
  });
}

function read(text: string): Quantity | undefined {
  const match = SYNTAX.exec(text);
  if (!match) return undefined;
  const [, sign, number = "", binary, decimal, exponent] = match;
  const power = exponent === undefined ? (DECIMAL[decimal ?? ""] ?? 0) : Number(exponent);
  if (Math.abs(power) > 100) return undefined;
  const steps = BINARY.indexOf((binary ?? "") as (typeof BINARY)[number]);
  const magnitude = scaled(number, steps, power);
  return Object.freeze({
    nanos: sign === "-" ? -magnitude : magnitude,
    format: formatOf(binary, exponent),
  });
}

function formatOf(binary: string | undefined, exponent: string | undefined): QuantityFormat {
  if (binary) return "BinarySI";
  return exponent === undefined ? "DecimalSI" : "DecimalExponent";
}

/** `number` x 1024^binary x 10^power in nanos, rounded up. */
function scaled(number: string, binary: number, power: number): bigint {
  const [whole = "", fraction = ""] = number.split(".");
  let numerator = BigInt(`${whole}${fraction}` || "0") * NANO * 1024n ** BigInt(binary);
  let denominator = 10n ** BigInt(fraction.length);
  if (power >= 0) numerator *= 10n ** BigInt(power);
  else denominator *= 10n ** BigInt(-power);
  return (numerator + denominator - 1n) / denominator;
}

/** The quantity's text; numbers as JSON writes them (`1e+21` read as `1e21`), nothing over 64. */
function textOf(input: QuantityInput): string {
  if (typeof input === "number")
    return Number.isFinite(input) ? String(input).replace("e+", "e") : "NaN";
  return input.length > 64 ? "" : input.trim();
}

/** The canonical spelling, as `resource.Quantity.String()` prints it: `3Gi`, `1536Mi`, `1500m`, `2k`. */
export function formatQuantity(quantity: Quantity): string {
  const { nanos } = quantity;
  if (nanos === 0n) return "0";
  const sign = nanos < 0n ? "-" : "";
  const magnitude = nanos < 0n ? -nanos : nanos;
  const binary =
    quantity.format === "BinarySI" && magnitude >= 1024n * NANO && magnitude % NANO === 0n;
  if (binary) return sign + base1024(magnitude / NANO);
  return sign + base10(magnitude, quantity.format === "DecimalExponent");
}

function base1024(value: bigint): string {
  let amount = value;
  let step = 0;
  while (amount % 1024n === 0n && step < BINARY.length - 1) {
    amount /= 1024n;
    step += 1;
  }
  return `${amount}${BINARY[step] ?? ""}`;
}

function base10(nanos: bigint, exponentForm: boolean): string {
  let amount = nanos;
  let exponent = -9;
  while (amount % 10n === 0n) {
    amount /= 10n;
    exponent += 1;
  }
  const remainder = ((exponent % 3) + 3) % 3;
  amount *= 10n ** BigInt(remainder);
  exponent -= remainder;
  if (exponentForm) return exponent === 0 ? `${amount}` : `${amount}e${exponent}`;
  if (exponent > 18) {
    amount *= 10n ** BigInt(exponent - 18);
    exponent = 18;
  }
  const suffix = Object.keys(DECIMAL).find((key) => DECIMAL[key] === exponent) ?? "";
  return `${amount}${suffix}`;
}

/** The canonical spelling of `input`, or undefined when it is not a quantity. */
export function canonicalQuantity(input: QuantityInput): string | undefined {
  const parsed = parseQuantity(input);
  return parsed ? formatQuantity(parsed) : undefined;
}

/** Negative, zero or positive as `a` is less than, equal to or greater than `b`. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  return a.nanos === b.nanos ? 0 : a.nanos < b.nanos ? -1 : 1;
}

/** Whether two quantities are the same amount, however written; an unreadable one equals nothing. */
export function sameQuantity(a: QuantityInput | undefined, b: QuantityInput | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const left = parseQuantity(a);
  const right = parseQuantity(b);
  return left !== undefined && right !== undefined && compareQuantities(left, right) === 0;
}

/**
 * `a + b`, exact, as `resource.Quantity.Add` sums: in `a`'s format (`2Gi` + `80Mi` prints
 * `2128Mi`, `1` + `10m` prints `1010m`), or `b`'s when `a` is zero.
 */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos + b.nanos, format: a.nanos === 0n ? b.format : a.format };
}
