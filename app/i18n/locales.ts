// The admin's languages and how one is chosen: the `locale` the Shopify admin
// passes to an embedded app (`ja`, `ja-JP`, `en-US`…), else the shop's locale,
// else English. Shared by server and browser (no server imports).
import i18next, { type i18n as I18n } from "i18next";
import ShopifyFormatModule from "@shopify/i18next-shopify";
import { initReactI18next } from "react-i18next";
import en from "../locales/en.json";
import ja from "../locales/ja.json";

// The package is CommonJS with its plugin on `exports.default`: bundlers hand the plugin to a
// default import, Node (the production server imports it from node_modules) the exports object.
const ShopifyFormat =
  (ShopifyFormatModule as unknown as { default?: typeof ShopifyFormatModule }).default ?? ShopifyFormatModule;

export const LOCALES = ["en", "ja"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

/** The message files, one per language (Shopify's format: nested keys, `{{var}}`, plurals as `one`/`other`). */
export const MESSAGES: Record<Locale, Record<string, unknown>> = { en, ja };

/** "ja", "ja-JP", "JA_jp" → "ja"; anything Kizuna has no file for → null. */
export function matchLocale(value: string | null | undefined): Locale | null {
  if (!value) return null;
  const language = value.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return (LOCALES as readonly string[]).includes(language) ? (language as Locale) : null;
}

/** Shopify's order: the admin's `locale` parameter, then the shop's locale, then English. */
export function pickLocale(param: string | null | undefined, shopLocale?: string | null): Locale {
  return matchLocale(param) ?? matchLocale(shopLocale) ?? DEFAULT_LOCALE;
}

/** The BCP 47 tag handed to Intl for dates, numbers and money. */
export function intlLocale(locale: Locale): string {
  return locale === "ja" ? "ja-JP" : "en";
}

/** An i18next instance for one request or one page: synchronous (the messages are bundled). */
export function createI18n(locale: Locale): I18n {
  const instance = i18next.createInstance();
  void instance
    .use(ShopifyFormat)
    .use(initReactI18next)
    .init({
      lng: locale,
      fallbackLng: DEFAULT_LOCALE,
      supportedLngs: [...LOCALES],
      resources: Object.fromEntries(LOCALES.map((lng) => [lng, { translation: MESSAGES[lng] }])),
      initAsync: false,
      interpolation: { escapeValue: false },
      // Keys are plain paths ("orders.columns.date"); a ":" is text, never a namespace.
      nsSeparator: false,
      returnNull: false,
    });
  return instance;
}

/** An admin path with the chosen locale kept in its query (client navigation keeps the language). */
export function withLocale(path: string, locale: Locale): string {
  if (!path.startsWith("/app")) return path;
  const url = new URL(path, "http://app.invalid");
  url.searchParams.set("locale", locale);
  return `${url.pathname}${url.search}${url.hash}`;
}
