// What every customer order page request shares: the app proxy's verified
// parameters (the shop comes from the signature, never from the body), the
// order token, the customer's language, the messages and dates in it, and the
// answers (HTML pages with their security headers). See order-page.server.ts.
import { randomBytes } from "node:crypto";
import type { TFunction } from "i18next";
import type { Db } from "../db.server.ts";
import { createI18n, intlLocale, matchLocale, type Locale } from "../i18n/locales.ts";
import { safeTimeZone } from "../notices/shop-time.ts";
import type { AdminApi } from "../shopify/admin-api.server.ts";
import { clientAddressOf } from "./client-address.server.ts";
import { ORDER_PAGE_PATH, verifyOrderLinkToken } from "./order-link.server.ts";
import type { LookupLimiters, SubmitLocks } from "./order-lookup.server.ts";
import { h, layout, pageHeaders } from "./order-page-html.ts";
import { verifyProxyQuery } from "./require-proxy-shop.server.ts";

export interface OrderPageDeps {
  db: Db;
  /** The shop's Admin API (offline session), or null when the shop has none (uninstalled). */
  adminApi: (shop: string) => Promise<AdminApi | null>;
  limiters: LookupLimiters;
  locks: SubmitLocks;
  trustedProxyHops: number;
  secret: string;
  now?: () => Date;
}

export interface RequestInfo {
  /** The TCP peer (server/index.ts puts it in the load context). */
  socketAddress: string | null;
}

/** A verified storefront request. */
export interface ProxyRequest {
  shop: string;
  url: URL;
  /** Where the app proxy serves the app on the storefront, e.g. /apps/kizuna (Shopify's signed path_prefix). */
  prefix: string;
  /** The language the link or the form asked for (?locale=), if any. */
  wanted: Locale | null;
  acceptLanguage: string | null;
  clientAddress: string;
  nonce: string;
}

const PATH_PREFIX = /^\/(apps|a|community|tools)\/[A-Za-z0-9_-]{1,64}$/;
const DEFAULT_PREFIX = ORDER_PAGE_PATH.replace(/\/orders$/, "");

/** The verified request, or the answer to give (401/400: the app proxy's signature is wrong or ambiguous). */
export function proxyRequest(
  request: Request,
  deps: Pick<OrderPageDeps, "secret" | "trustedProxyHops" | "now">,
  info: RequestInfo,
): ProxyRequest | Response {
  const url = new URL(request.url);
  const now = deps.now?.() ?? new Date();
  const verdict = verifyProxyQuery(url.searchParams, deps.secret, now.getTime() / 1000);
  if (!verdict.ok)
    return new Response(verdict.error, {
      status: verdict.status,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  const prefix = url.searchParams.get("path_prefix") ?? "";
  return {
    shop: verdict.params.shop,
    url,
    prefix: PATH_PREFIX.test(prefix) ? prefix : DEFAULT_PREFIX,
    wanted: matchLocale(url.searchParams.get("locale")),
    acceptLanguage: request.headers.get("accept-language"),
    clientAddress: clientAddressOf(request.headers.get("x-forwarded-for"), info.socketAddress, deps.trustedProxyHops),
    nonce: randomBytes(12).toString("base64url"),
  };
}

/** The first language of Accept-Language (by q) that Kizuna speaks. */
export function acceptedLocale(header: string | null): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .slice(0, 20)
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag ?? "", q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const entry of ranked) {
    const locale = matchLocale(entry.tag);
    if (locale) return locale;
  }
  return null;
}

/** ?locale=, then the customer's or the order's language, then Accept-Language, then the shop's, else Japanese. */
export function customerLocale(
  req: Pick<ProxyRequest, "wanted" | "acceptLanguage">,
  known: { customer?: string | null; order?: string | null; shop?: string | null },
): Locale {
  return (
    req.wanted ??
    matchLocale(known.customer) ??
    matchLocale(known.order) ??
    acceptedLocale(req.acceptLanguage) ??
    matchLocale(known.shop) ??
    "ja"
  );
}

const translators = new Map<Locale, TFunction>();

/** `t` of a language, made once per process (the messages are bundled). */
export function translator(locale: Locale): TFunction {
  let t = translators.get(locale);
  if (!t) {
    t = createI18n(locale).t;
    translators.set(locale, t);
  }
  return t;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(locale: Locale, timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${withTime}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(intlLocale(locale), {
      timeZone,
      month: "long",
      day: "numeric",
      ...(withTime ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" } : {}),
    });
    dateFormats.set(key, format);
  }
  return format;
}

export interface Formats {
  locale: Locale;
  /** "12月4日" / "December 4" in the shop's time zone. */
  day(date: Date): string;
  /** "12月4日 10:30" / "December 4 at 10:30". */
  time(date: Date): string;
}

export function formatsFor(locale: Locale, shopTimeZone: string | null | undefined): Formats {
  const timeZone = safeTimeZone(shopTimeZone ?? "Asia/Tokyo");
  return {
    locale,
    day: (date) => dateFormat(locale, timeZone, false).format(date),
    time: (date) => dateFormat(locale, timeZone, true).format(date),
  };
}

export interface ShopFacts {
  name: string;
  locale: string | null;
  timezone: string | null;
  installed: boolean;
}

export async function shopFacts(db: Db, shop: string): Promise<ShopFacts> {
  const row = await db.shop.findUnique({
    where: { domain: shop },
    select: { name: true, locale: true, timezone: true, uninstalledAt: true },
  });
  return shopFactsOf(shop, row);
}

/** What the pages need of a Shop row (none: the shop never installed, or was redacted). */
export function shopFactsOf(
  shop: string,
  row: { name: string | null; locale: string | null; timezone: string | null; uninstalledAt: Date | null } | null,
): ShopFacts {
  return {
    name: row?.name?.trim() || shop.replace(/\.myshopify\.com$/, ""),
    locale: row?.locale ?? null,
    timezone: row?.timezone ?? null,
    installed: row !== null && row.uninstalledAt === null,
  };
}

/** The order this request may open: the id is well formed and the token signed for this shop and order. */
export function tokenOpens(req: ProxyRequest, orderId: string, deps: Pick<OrderPageDeps, "secret" | "now">) {
  const token = req.url.searchParams.get("t") ?? "";
  const ok =
    /^\d{1,24}$/.test(orderId) &&
    verifyOrderLinkToken(req.shop, orderId, token, { secret: deps.secret, now: deps.now?.() ?? new Date() });
  return ok ? token : null;
}

/** A storefront path of this app (`/apps/kizuna/orders/…`) with the token and language kept. */
export function pagePath(
  req: Pick<ProxyRequest, "prefix">,
  path: string,
  params: Record<string, string | null | undefined>,
): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  const search = query.toString();
  return `${req.prefix}${path}${search ? `?${search}` : ""}`;
}

export function orderPath(req: Pick<ProxyRequest, "prefix">, orderId: string, token: string, locale: Locale) {
  return pagePath(req, `/orders/${encodeURIComponent(orderId)}`, { t: token, locale });
}

export interface PageInput {
  req: ProxyRequest;
  locale: Locale;
  shopName: string;
  title: string;
  body: string;
  status?: number;
  script?: string;
  refreshSeconds?: number;
  headers?: Record<string, string>;
}

export function htmlPage(input: PageInput): Response {
  const html = layout({
    locale: input.locale,
    title: input.title,
    shopName: input.shopName,
    homeHref: "/",
    body: input.body,
    nonce: input.req.nonce,
    ...(input.script ? { script: input.script } : {}),
    ...(input.refreshSeconds ? { refreshSeconds: input.refreshSeconds } : {}),
  });
  return new Response(html, {
    status: input.status ?? 200,
    headers: { ...pageHeaders(input.req.nonce, input.locale), ...input.headers },
  });
}

/** POST-redirect-GET, to a storefront path (the browser is on the storefront's origin). */
export function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, "Cache-Control": "no-store" } });
}

/** A page with one message and a way back: bad input (400), a refused file (413/415), a busy shop (503). */
export function messagePage(
  req: ProxyRequest,
  locale: Locale,
  shopName: string,
  status: number,
  message: string,
  back: { href: string; label: string } | null,
): Response {
  const t = translator(locale);
  const link = back ? `<a class="button secondary" href="${h(back.href)}">${h(back.label)}</a>` : "";
  return htmlPage({
    req,
    locale,
    shopName,
    status,
    title: t("orderPage.errors.title"),
    body: `<div class="notice error" role="alert"><p>${h(message)}</p></div>${link}`,
  });
}

export const MAX_FORM_BYTES = 2 * 1024 * 1024;

export type FormRead = { ok: true; form: FormData } | { ok: false; status: 400 | 413 | 415 };

/** The form of a POST: url-encoded or multipart only, at most 2 MB (the app proxy's own limit). */
export async function readForm(request: Request, maxBytes = MAX_FORM_BYTES): Promise<FormRead> {
  // Lower case only to compare: a multipart boundary is case-sensitive (Chrome's has capitals).
  const type = request.headers.get("content-type") ?? "";
  const lower = type.toLowerCase();
  if (!lower.startsWith("application/x-www-form-urlencoded") && !lower.startsWith("multipart/form-data"))
    return { ok: false, status: 415 };
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return { ok: false, status: 413 };
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, status: 413 };
      }
      chunks.push(value);
    }
  }
  try {
    const body = Buffer.concat(chunks);
    return { ok: true, form: await new Response(body, { headers: { "content-type": type } }).formData() };
  } catch {
    return { ok: false, status: 400 };
  }
}

/** A form field as text (a file or a missing field is ""). */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** A POST's token must be the one of the page (in the query the proxy signed; the form's copy, if any, the same). */
export function postTokenOk(req: ProxyRequest, form: FormData, token: string): boolean {
  const copy = form.get("t");
  return copy === null || copy === token;
}
