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
export function formatMoney(amount: string, currency: string, locale = "en"): string {
  if (!isDecimal(amount)) return amount;
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount.trim() as unknown as number);
  } catch {
    return `${amount} ${currency}`;
  }
}
