// The locale of an admin request, for messages an action returns: the
// request's `locale` parameter (the page's URL, which the app's links and
// forms keep), else the shop's locale, else English.
import type { TFunction } from "i18next";
import { db } from "../db.server.ts";
import { createI18n, matchLocale, pickLocale, type Locale } from "./locales.ts";

export async function requestLocale(request: Request, shop: string): Promise<Locale> {
  const param = matchLocale(new URL(request.url).searchParams.get("locale"));
  if (param) return param;
  const row = await db().shop.findUnique({ where: { domain: shop }, select: { locale: true } });
  return pickLocale(null, row?.locale);
}

/** `t` in the request's locale. */
export async function requestT(request: Request, shop: string): Promise<TFunction> {
  return createI18n(await requestLocale(request, shop)).t;
}

/** Why readAdminForm refused the body (415, 413 or 400), in the request's language. */
export function formError(t: TFunction, status: 400 | 413 | 415): string {
  if (status === 415) return t("errors.formOnly");
  if (status === 413) return t("errors.formTooLarge");
  return t("errors.formNotUtf8");
}
