// Money as decimal strings in the shop's currency ("4800", "19.99", "-5.25"),
// computed exactly with BigInt and formatted by handing Intl the string: never
// a float. The one place amounts are checked, summed, multiplied and formatted,
// for server code and pages alike (no server imports here).
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export class DecimalError extends Error {
  override name = "DecimalError";
}

/** "10.50", "-3", "4800": digits, an optional sign and fraction; not "1e3", "10.", " ", "ten". */
export function isDecimal(value: string): boolean {
  return DECIMAL.test(value.trim());
}

function parse(value: string): { units: bigint; scale: number } {
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new DecimalError(`not a decimal amount: ${JSON.stringify(value)}`);
  const fraction = match[3] ?? "";
  const units = BigInt(`${match[2]}${fraction}`);
  return { units: match[1] ? -units : units, scale: fraction.length };
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** "4800.50" x 3 → "14401.50". */
export function multiplyDecimal(amount: string, quantity: number): string {
  if (!Number.isSafeInteger(quantity)) throw new DecimalError(`not a whole quantity: ${quantity}`);
  const { units, scale } = parse(amount);
  return format(units * BigInt(quantity), scale);
}

/** Exact sum, at the largest scale among the amounts ("75.00" + "10.5" → "85.50"); "0" for none. */
export function sumDecimals(amounts: readonly string[]): string {
  const parsed = amounts.map(parse);
  const scale = Math.max(0, ...parsed.map((p) => p.scale));
  const total = parsed.reduce((sum, p) => sum + p.units * 10n ** BigInt(scale - p.scale), 0n);
  return format(total, scale);
}

/**
 * "3300" JPY, "ja" → "￥3,300"; "19.99" USD, "en" → "$19.99". Intl gets the string
 * itself, so no digit is lost to a float; what is not a decimal is shown as it is.
 */
// A NumberFormat costs ~0.1 ms to make: one per language and currency.
const moneyFormats = new Map<string, Intl.NumberFormat | null>();

function moneyFormat(locale: string, currency: string): Intl.NumberFormat | null {
  const key = `${locale}|${currency}`;
  let format = moneyFormats.get(key);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat(locale, { style: "currency", currency });
    } catch {
      format = null;
    }
    // Bounded: the key comes from data (a currency code), not only from code.
    if (moneyFormats.size < 500) moneyFormats.set(key, format);
  }
  return format;
}

export function formatMoney(amount: string, currency: string, locale = "en"): string {
  if (!isDecimal(amount)) return amount;
  const format = moneyFormat(locale, currency);
  // A decimal string keeps every digit: Intl formats it without a float.
  return format ? format.format(amount.trim() as unknown as number) : `${amount} ${currency}`;
}

/** a − b, at the larger scale of the two. */
export function subtractDecimal(a: string, b: string): string {
  return sumDecimals([a, negate(b)]);
}

function negate(amount: string): string {
  const { units, scale } = parse(amount);
  return format(-units, scale);
}

/** -1, 0 or 1. */
export function compareDecimal(a: string, b: string): number {
  const difference = parse(subtractDecimal(a, b)).units;
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

/** The larger of the amount and zero ("-5" → "0"). */
export function atLeastZero(amount: string): string {
  return compareDecimal(amount, "0") < 0 ? "0" : amount;
}

/** Digits after the point in `currency` (JPY 0, USD 2, KWD 3); 2 when Intl does not know it. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * `percent` % of `amount`, rounded half up to the currency's minor unit: 10 % of "3333" JPY →
 * "333"; 15 % of "19.99" USD → "3.00". Whole percentages only, so the result is exact before rounding.
 */
export function percentOfDecimal(amount: string, percent: number, currency: string): string {
  if (!Number.isSafeInteger(percent)) throw new DecimalError(`not a whole percentage: ${percent}`);
  const digits = currencyDigits(currency);
  const { units, scale } = parse(amount);
  // units × percent / 100 at `scale`, brought to `digits`: numerator over 10^(scale + 2 − digits).
  const numerator = units * BigInt(percent) * 10n ** BigInt(Math.max(0, digits - scale));
  const denominator = 100n * 10n ** BigInt(Math.max(0, scale - digits));
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const rounded = (magnitude * 2n + denominator) / (2n * denominator);
  return format(negative ? -rounded : rounded, digits);
}

/** The amount written at the currency's minor unit ("3300.0" JPY → "3300", "5" USD → "5.00"); rounds half up. */
export function inCurrencyUnits(amount: string, currency: string): string {
  return percentOfDecimal(amount, 100, currency);
}
