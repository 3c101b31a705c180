// The storefront signup as HTTP: verified app proxy shop, body (JSON or form),
// rate limits, then subscribeToRestock. Every failure is a JSON 4xx with a
// message in the shopper's language; nothing is written on a failure.
import type { Db } from "../db.server.ts";
import { clientAddressOf } from "../storefront/client-address.server.ts";
import { requireProxyParams } from "../storefront/require-proxy-shop.server.ts";
import { messageFor, shopperLocaleOf, type ShopperLocale } from "./messages.ts";
import type { SignupLimiters } from "./rate-limit.server.ts";
import { readSignup, SignupBody, subscribeToRestock } from "./subscribe.server.ts";
import { RestockError, STATUS_OF, type RestockConfirm } from "./types.ts";

const MAX_BODY_BYTES = 16 * 1024;

export interface SignupDeps {
  db: Db;
  limiters: SignupLimiters;
  confirm: RestockConfirm | null;
  /** TRUSTED_PROXY_HOPS: proxies whose X-Forwarded-For entry is believed (see client-address.server.ts). */
  trustedProxyHops: number;
  now?: () => Date;
}

/** What the HTTP server knows of the connection (Remix's load context, from server/index.ts). */
export interface SignupConnection {
  socketAddress?: string | null;
}

function answer(status: number, body: Record<string, unknown>, extra: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store", ...extra } });
}

async function readBody(request: Request): Promise<Record<string, unknown>> {
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) throw new RestockError("too_large");
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new RestockError("too_large");
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new RestockError("malformed");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new RestockError("malformed");
    return parsed as Record<string, unknown>;
  }
  // The block's no-JavaScript form: snake_case fields, form-encoded.
  const form = new URLSearchParams(text);
  return {
    variantId: form.get("variant_id") ?? form.get("variantId"),
    productId: form.get("product_id") ?? form.get("productId"),
    email: form.get("email"),
    phone: form.get("phone"),
    smsConsent: form.get("sms_consent") ?? form.get("smsConsent"),
    locale: form.get("locale"),
  };
}

export async function handleRestockSignup(
  request: Request,
  deps: SignupDeps,
  connection: SignupConnection = {},
): Promise<Response> {
  if (request.method !== "POST") return answer(405, { ok: false, error: "method_not_allowed" }, { Allow: "POST" });
  // Throws a 401 Response before anything else is read.
  const { shop, loggedInCustomerId } = await requireProxyParams(request);
  let locale: ShopperLocale = shopperLocaleOf(request.headers.get("accept-language"));
  try {
    const raw = await readBody(request);
    const parsed = SignupBody.safeParse(raw);
    if (!parsed.success) throw new RestockError("malformed");
    locale = shopperLocaleOf(parsed.data.locale, request.headers.get("accept-language"));
    const input = readSignup(parsed.data, shop, locale, loggedInCustomerId);
    const now = deps.now?.() ?? new Date();
    const clientAddress = clientAddressOf(
      request.headers.get("x-forwarded-for"),
      connection.socketAddress,
      deps.trustedProxyHops,
    );
    for (const [limiter, key] of [
      [deps.limiters.perIp, `${shop}|ip|${clientAddress}`],
      [deps.limiters.perEmail, `${shop}|email|${input.email}`],
    ] as const) {
      const verdict = limiter.hit(key, now.getTime());
      if (!verdict.ok) throw new RestockError("rate_limited", verdict.retryAfterS);
    }
    const { subscription, created } = await subscribeToRestock(deps.db, input, deps.confirm, now);
    return answer(created ? 201 : 200, {
      ok: true,
      status: created ? "subscribed" : "updated",
      variantId: subscription.variantId,
      sms: subscription.smsConsent,
      message: messageFor(created ? "subscribed" : "updated", locale),
    });
  } catch (error) {
    if (!(error instanceof RestockError)) throw error;
    const headers: Record<string, string> = error.retryAfterS ? { "Retry-After": String(error.retryAfterS) } : {};
    return answer(
      STATUS_OF[error.code],
      { ok: false, error: error.code, message: messageFor(error.code, locale) },
      headers,
    );
  }
}
