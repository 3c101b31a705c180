// Dates, times and money in the customer's language, the shop's time zone and
// currency. Money stays a decimal string all the way into Intl (no float).
import { formatMoney } from "../money/decimal.ts";
import type { NoticeLocale, VariableType } from "./kinds.ts";

const INTL_LOCALE: Record<NoticeLocale, string> = { ja: "ja-JP", en: "en-US" };

export function formatNoticeMoney(amount: string, currency: string, locale: NoticeLocale): string {
  return formatMoney(amount, currency, INTL_LOCALE[locale]);
}

/** "2026-12-03" → "Thursday, December 3" / "12月3日(木)"; a full ISO time adds the time in the shop's zone. */
export function formatNoticeDate(value: string, locale: NoticeLocale, timeZone: string): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value);
  if (!dateOnly && !dateTime) return value;
  const date = new Date(dateOnly ? `${value}T12:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  try {
    return new Intl.DateTimeFormat(INTL_LOCALE[locale], {
      weekday: locale === "ja" ? "short" : "long",
      month: "long",
      day: "numeric",
      ...(dateOnly ? { timeZone: "UTC" } : { timeZone, hour: "numeric", minute: "2-digit" }),
    }).format(date);
  } catch {
    return value;
  }
}

export function formatVariables(
  values: Record<string, string>,
  types: Record<string, VariableType>,
  context: { locale: NoticeLocale; currency: string; timeZone: string },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    const type = types[name];
    if (type === "money") out[name] = formatNoticeMoney(value, context.currency, context.locale);
    else if (type === "date") out[name] = formatNoticeDate(value, context.locale, context.timeZone);
    else out[name] = value;
  }
  return out;
}
