// The locale of an admin request, for messages an action returns: the
// request's `locale` parameter (the page's URL, which the app's links and
// forms keep), else English.
import type { TFunction } from "i18next";
import { createI18n, matchLocale, type Locale } from "./locales.ts";

export async function requestLocale(request: Request, _shop: string): Promise<Locale> {
  // The staff member's admin language; not the shop's (that is its customers'): ADR 0011.
  return matchLocale(new URL(request.url).searchParams.get("locale")) ?? "en";
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
