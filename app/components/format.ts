// Formatting shared by the admin pages, in the admin's language: dates in the
// shop's time zone, numbers and money with Intl. `useFormat` binds them to the
// page's locale (from the i18n provider) and the shop's time zone.
import { useTranslation } from "react-i18next";
import { intlLocale, matchLocale, type Locale } from "../i18n/locales.ts";
import { formatMoney } from "../money/decimal.ts";

const tag = (locale: string) => intlLocale(matchLocale(locale) ?? "en");

export function formatDate(iso: string, timeZone: string | null, locale = "en"): string {
  return new Intl.DateTimeFormat(tag(locale), {
    dateStyle: "medium",
    timeStyle: "short",
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(iso));
}

/** A calendar date written YYYY-MM-DD (no time zone: it is a day, not an instant). */
export function formatDay(day: string, locale = "en"): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(tag(locale), { dateStyle: "medium", timeZone: "UTC" }).format(date);
}

export function formatNumber(value: number, locale = "en"): string {
  return new Intl.NumberFormat(tag(locale)).format(value);
}

/** IN_TRANSIT → "In transit" (a last resort for a value no message file names). */
export function humanize(value: string): string {
  const words = value.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface Formatters {
  locale: Locale;
  date(iso: string): string;
  day(day: string): string;
  number(value: number): string;
  money(amount: string, currency: string): string;
}

/** The formatters of the page's locale and the shop's time zone. */
export function useFormat(timeZone: string | null): Formatters {
  const { i18n } = useTranslation();
  const locale = matchLocale(i18n.language) ?? "en";
  return {
    locale,
    date: (iso) => formatDate(iso, timeZone, locale),
    day: (value) => formatDay(value, locale),
    number: (value) => formatNumber(value, locale),
    money: (amount, currency) => formatMoney(amount, currency, intlLocale(locale)),
  };
}
