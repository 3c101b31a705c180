// Formatting shared by the admin pages: dates in the shop's time zone, Shopify
// enums as words. Money is formatted by formatMoney in app/money/decimal.ts.

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
