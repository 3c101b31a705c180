// Storefront requests reach the app only through Shopify's app proxy, which
// signs the query. The shop comes from that signed query, never from the body.
//
// The signature is checked here, exactly as Shopify computes it: every
// parameter but `signature` as `key=value`, a repeated key's values joined
// with ",", sorted, concatenated, HMAC-SHA256 (hex) with the app secret. The
// library's check reads the query as an object (the last value of a repeated
// key) while `searchParams.get` gives the first: with `shop` given twice the
// signature held for one shop and the signup landed in another. So a
// parameter Shopify sets (shop, timestamp, signature, …) that appears more
// than once is refused outright, and the shop is read from the verified set.
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../env.server.ts";

/** Parameters Shopify adds to every proxied request: each must appear exactly once (logged_in_customer_id at most once). */
const SHOPIFY_PARAMS = ["shop", "timestamp", "signature", "path_prefix", "logged_in_customer_id"];
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
/** Shopify's own tolerance for the signed timestamp. */
const MAX_CLOCK_SKEW_S = 90;

export interface ProxyParams {
  shop: string;
  /** Shopify's logged_in_customer_id: a customer id, or null when nobody is logged in. */
  loggedInCustomerId: string | null;
}

export type ProxyVerdict = { ok: true; params: ProxyParams } | { ok: false; status: 400 | 401; error: string };

/** The signature Shopify gives a query (everything but `signature`). */
export function proxySignature(query: URLSearchParams, secret: string): string {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of query) {
    if (key === "signature") continue;
    grouped.set(key, [...(grouped.get(key) ?? []), value]);
  }
  const message = [...grouped]
    .map(([key, values]) => `${key}=${values.join(",")}`)
    .sort()
    .join("");
  return createHmac("sha256", secret).update(message, "utf8").digest("hex");
}

/** Checks an app proxy query; `nowS` in seconds (tests pin it). */
export function verifyProxyQuery(query: URLSearchParams, secret: string, nowS = Date.now() / 1000): ProxyVerdict {
  for (const name of SHOPIFY_PARAMS)
    if (query.getAll(name).length > 1)
      return { ok: false, status: 400, error: `ambiguous app proxy request: ${name} given more than once` };
  const signature = query.get("signature") ?? "";
  const timestamp = query.get("timestamp") ?? "";
  const shop = query.get("shop") ?? "";
  if (!/^[0-9a-f]{64}$/i.test(signature) || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, status: 401, error: "invalid app proxy signature" };
  const expected = Buffer.from(proxySignature(query, secret), "hex");
  if (!timingSafeEqual(Buffer.from(signature.toLowerCase(), "hex"), expected))
    return { ok: false, status: 401, error: "invalid app proxy signature" };
  if (Math.abs(nowS - Number(timestamp)) > MAX_CLOCK_SKEW_S)
    return { ok: false, status: 401, error: "invalid app proxy signature" };
  if (!SHOP_DOMAIN.test(shop)) return { ok: false, status: 400, error: "app proxy request without a valid shop" };
  const customer = query.get("logged_in_customer_id") ?? "";
  return { ok: true, params: { shop, loggedInCustomerId: /^\d{1,24}$/.test(customer) ? customer : null } };
}

/**
 * The verified parameters of a request that came through the app proxy.
 * Throws a JSON Response: 401 for a missing, wrong or stale signature, 400 for
 * a repeated Shopify parameter (ambiguous: which shop was meant?).
 */
export async function requireProxyParams(request: Request): Promise<ProxyParams> {
  const verdict = verifyProxyQuery(new URL(request.url).searchParams, env().SHOPIFY_API_SECRET);
  if (!verdict.ok)
    throw Response.json({ error: verdict.error }, { status: verdict.status, headers: { "Cache-Control": "no-store" } });
  return verdict.params;
}

/** The shop of a verified app proxy request (see requireProxyParams). */
export async function requireProxyShop(request: Request): Promise<string> {
  return (await requireProxyParams(request)).shop;
}
