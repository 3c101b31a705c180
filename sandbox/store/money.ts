// Exact decimal arithmetic on money strings ("3300", "10.50"): amounts are
// scaled to integers (bigint), never floats. The result keeps the largest
// number of decimals among its inputs, so JPY stays "3300" and USD "10.50".
import type { Decimal } from "./types.ts";

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

export function isDecimal(value: string): boolean {
  return DECIMAL.test(value.trim());
}

function toScaled(amount: Decimal): Scaled {
  const match = DECIMAL.exec(amount.trim());
  if (!match) throw new Error(`"${amount}" is not a decimal amount`);
  const [, sign = "", whole = "0", fraction = ""] = match;
  return { units: BigInt(`${sign}${whole}${fraction}`), scale: fraction.length };
}

function fromScaled({ units, scale }: Scaled): Decimal {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

function aligned(amounts: readonly Decimal[]): { values: bigint[]; scale: number } {
  const parts = amounts.map(toScaled);
  const scale = Math.max(0, ...parts.map((part) => part.scale));
  return { values: parts.map((part) => part.units * 10n ** BigInt(scale - part.scale)), scale };
}

export function sum(amounts: readonly Decimal[]): Decimal {
  if (amounts.length === 0) return "0";
  const { values, scale } = aligned(amounts);
  return fromScaled({ units: values.reduce((total, value) => total + value, 0n), scale });
}

export function subtract(from: Decimal, amount: Decimal): Decimal {
  const { values, scale } = aligned([from, amount]);
  return fromScaled({ units: (values[0] ?? 0n) - (values[1] ?? 0n), scale });
}

export function times(amount: Decimal, quantity: number): Decimal {
  const scaled = toScaled(amount);
  return fromScaled({ units: scaled.units * BigInt(quantity), scale: scaled.scale });
}

/** -1, 0 or 1. */
export function compare(a: Decimal, b: Decimal): number {
  const { values } = aligned([a, b]);
  const [x = 0n, y = 0n] = values;
  return x === y ? 0 : x < y ? -1 : 1;
}

export function isZero(amount: Decimal): boolean {
  return compare(amount, "0") === 0;
}

export function min(a: Decimal, b: Decimal): Decimal {
  return compare(a, b) <= 0 ? a : b;
}

export function max(a: Decimal, b: Decimal): Decimal {
  return compare(a, b) >= 0 ? a : b;
}

export function negate(amount: Decimal): Decimal {
  return subtract("0", amount);
}

/** Currencies without a minor unit: amounts in them are whole numbers ("3300", never "3300.0"). */
const ZERO_DECIMAL_CURRENCIES = new Set([
  "BIF",
  "CLP",
  "DJF",
  "GNF",
  "ISK",
  "JPY",
  "KMF",
  "KRW",
  "PYG",
  "RWF",
  "UGX",
  "VND",
  "VUV",
  "XAF",
  "XOF",
  "XPF",
]);

export function currencyDecimals(currency: string): number {
  return ZERO_DECIMAL_CURRENCIES.has(currency.toUpperCase()) ? 0 : 2;
}

/** `percentage` % of `amount`, rounded half up to `decimals` places (a restocking fee in the order's currency). */
export function percentOf(amount: Decimal, percentage: number, decimals: number): Decimal {
  if (!Number.isFinite(percentage)) throw new Error(`${percentage} is not a percentage`);
  const rate = toScaled(percentage.toFixed(6).replace(/\.?0+$/, "") || "0");
  const value = toScaled(amount);
  let units = value.units * rate.units;
  let scale = value.scale + rate.scale + 2;
  if (scale > decimals) {
    const divisor = 10n ** BigInt(scale - decimals);
    const negative = units < 0n;
    const magnitude = negative ? -units : units;
    const rounded = (magnitude + divisor / 2n) / divisor;
    units = negative ? -rounded : rounded;
    scale = decimals;
  }
  return fromScaled({ units, scale });
}

/** Consumption tax included in a tax-inclusive amount at 10%: amount × 10 / 110, rounded down to `decimals` places. */
export function includedTax(amount: Decimal, decimals: number): Decimal {
  const value = toScaled(amount);
  const units =
    value.scale > decimals
      ? value.units / 10n ** BigInt(value.scale - decimals)
      : value.units * 10n ** BigInt(decimals - value.scale);
  return fromScaled({ units: (units * 10n) / 110n, scale: decimals });
}
