// Formatting shared by the admin pages: money from decimal strings (never
// through a float), dates in the shop's time zone, Shopify enums as words.

/** "3300" JPY → "¥3,300"; the decimal string goes to Intl as a string, so no float rounding. */
export function formatMoney(amount: string, currency: string, locale = "en"): string {
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount as unknown as number);
  } catch {
    return `${amount} ${currency}`;
  }
}

export function formatDate(iso: string, timeZone: string | null, locale = "en"): string {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(iso));
}

/** IN_TRANSIT → "In transit". */
export function humanize(value: string): string {
  const words = value.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
