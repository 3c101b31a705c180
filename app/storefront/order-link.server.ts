// The customer's order page link, as every notice carries it: signed, so it
// opens the one order it names without a login, and only until it expires.
// The token is HMAC-SHA256 over shop, order and expiry with a key derived
// from the app secret (never the secret itself), so rotating the secret
// invalidates every link at once.
import { createHmac, timingSafeEqual } from "node:crypto";
import { env, EnvError } from "../env.server.ts";
import { sandboxOf } from "../sandbox/sandbox.server.ts";

/** Links in notices stay valid this long: long enough for a return window after delivery. */
export const ORDER_LINK_DAYS = 120;
export const ORDER_PAGE_PATH = "/apps/kizuna/orders";

function key(secret: string): Buffer {
  return createHmac("sha256", secret).update("kizuna/order-link/v1").digest();
}

function mac(secret: string, shop: string, orderId: string, expires: number): string {
  return createHmac("sha256", key(secret)).update(`${shop}\n${orderId}\n${expires}`).digest("base64url");
}

/** `<expiry seconds>.<mac>` */
export function orderLinkToken(
  shop: string,
  orderId: string,
  options: { secret?: string; now?: Date; days?: number } = {},
): string {
  const secret = options.secret ?? env().SHOPIFY_API_SECRET;
  const now = options.now ?? new Date();
  const expires = Math.floor(now.getTime() / 1000) + (options.days ?? ORDER_LINK_DAYS) * 86_400;
  return `${expires}.${mac(secret, shop, orderId, expires)}`;
}

/** Whether `token` opens `orderId` of `shop` now. */
export function verifyOrderLinkToken(
  shop: string,
  orderId: string,
  token: string,
  options: { secret?: string; now?: Date } = {},
): boolean {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match || !/^\d{1,24}$/.test(orderId)) return false;
  const expires = Number(match[1]);
  if (expires * 1000 < (options.now ?? new Date()).getTime()) return false;
  const expected = Buffer.from(mac(options.secret ?? env().SHOPIFY_API_SECRET, shop, orderId, expires));
  const given = Buffer.from(match[2]!);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The sandbox this process runs against, or null (a script, a test without the environment). */
function currentSandboxOrigin(): string | null {
  try {
    return sandboxOf()?.origin ?? null;
  } catch {
    return null;
  }
}

/** Where shoppers reach the shop: the sandbox's storefront in sandbox mode, else the shop's domain. */
export function storefrontOriginOf(shop: string): string {
  return currentSandboxOrigin() ?? `https://${shop}`;
}

/** The signed order page URL for a notice: <storefront>/apps/kizuna/orders/<order id>?t=<token>. */
export function orderPageUrl(shop: string, orderId: string, options: { origin?: string; now?: Date } = {}): string {
  const origin = (options.origin ?? storefrontOriginOf(shop)).replace(/\/+$/, "");
  const token = orderLinkToken(shop, orderId, options.now ? { now: options.now } : {});
  return `${origin}${ORDER_PAGE_PATH}/${encodeURIComponent(orderId)}?t=${encodeURIComponent(token)}`;
}

/**
 * The order page URL, or null where the app is not configured (a script or a test without the
 * app's environment). A running web or worker validated its environment at start.
 */
export function orderPageUrlIfConfigured(shop: string, orderId: string): string | null {
  try {
    return orderPageUrl(shop, orderId);
  } catch (error) {
    if (error instanceof EnvError) return null;
    throw error;
  }
}
