// The order look-up (GET/POST /proxy/orders): order number + email, checked
// against the mirror of the verified shop, then a redirect to the signed order
// page. A wrong number and a wrong email get the same answer (status, body and
// the same queries, so similar timing), and attempts are limited per shop +
// client address and per order number in Redis, so that the limit holds across
// web processes (keys under the app's Redis key space; a process whose Redis is
// away falls back to a window of its own rather than letting everything through).
import { createHash, timingSafeEqual } from "node:crypto";
import Redis from "ioredis";
import type { Db } from "../db.server.ts";
import { env } from "../env.server.ts";
import type { Locale } from "../i18n/locales.ts";
import { appKeySpace } from "../jobs/queues.server.ts";
import { fixedWindowLimiter, type FixedWindowLimiter } from "../restock/rate-limit.server.ts";
import { orderLinkToken } from "./order-link.server.ts";
import {
  customerLocale,
  field,
  htmlPage,
  messagePage,
  orderPath,
  pagePath,
  proxyRequest,
  readForm,
  seeOther,
  shopFacts,
  translator,
  type OrderPageDeps,
  type ProxyRequest,
  type RequestInfo,
  tokenOpens,
} from "./order-page-context.server.ts";
import { h } from "./order-page-html.ts";

// ---- limits (Redis) ----

export interface AttemptLimiter {
  /** Counts one attempt for `key`; ok false (with seconds to wait) once the window's limit is passed. */
  hit(key: string): Promise<{ ok: boolean; retryAfterS: number }>;
}

export interface LookupLimiters {
  perClient: AttemptLimiter;
  perOrderNumber: AttemptLimiter;
}

export interface SubmitLocks {
  /** Takes `key` for `ms`; false when someone holds it (a double submit in another request). */
  take(key: string, ms: number): Promise<boolean>;
  release(key: string): Promise<void>;
}

export const LOOKUP_WINDOW_MS = 10 * 60_000;
export const LOOKUP_LIMIT_PER_CLIENT = 10;
export const LOOKUP_LIMIT_PER_NUMBER = 5;

const hashed = (text: string) => createHash("sha256").update(text).digest("base64url").slice(0, 32);

type KeySpace = () => Promise<string>;

/** A fixed window per key in Redis: SET NX PX starts it, INCR counts, PTTL says how long is left. */
export function redisAttemptLimiter(
  redis: Redis,
  keySpace: KeySpace,
  name: string,
  limit: number,
  windowMs: number,
  fallback: FixedWindowLimiter = fixedWindowLimiter(limit, windowMs),
): AttemptLimiter {
  return {
    async hit(key) {
      try {
        const redisKey = `${await keySpace()}:limit:${name}:${hashed(key)}`;
        const replies = await redis
          .multi()
          .set(redisKey, "0", "PX", windowMs, "NX")
          .incr(redisKey)
          .pttl(redisKey)
          .exec();
        if (!replies || replies.some(([error]) => error)) throw new Error("redis refused the limit");
        const count = Number(replies[1]![1]);
        const leftMs = Math.max(Number(replies[2]![1]), 1000);
        return { ok: count <= limit, retryAfterS: Math.ceil(leftMs / 1000) };
      } catch {
        // Redis is away: this process's own window still brakes a guesser.
        return fallback.hit(`${name}:${key}`);
      }
    },
  };
}

export function redisSubmitLocks(redis: Redis, keySpace: KeySpace): SubmitLocks {
  return {
    async take(key, ms) {
      try {
        return (await redis.set(`${await keySpace()}:lock:${hashed(key)}`, "1", "PX", ms, "NX")) === "OK";
      } catch {
        return true; // no Redis, no lock: Shopify's returnable quantities still refuse a second return
      }
    },
    async release(key) {
      try {
        await redis.del(`${await keySpace()}:lock:${hashed(key)}`);
      } catch {
        // the lock expires by itself
      }
    },
  };
}

let sharedRedis: Redis | undefined;

/** The web process's Redis connection for limits and locks: fails fast, never queues commands while away. */
function limitRedis(): Redis {
  sharedRedis ??= new Redis(env().REDIS_URL, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    lazyConnect: false,
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  });
  sharedRedis.on("error", () => undefined);
  return sharedRedis;
}

export function defaultLookupLimiters(redis: Redis = limitRedis(), keySpace: KeySpace = appKeySpace): LookupLimiters {
  return {
    perClient: redisAttemptLimiter(redis, keySpace, "order-lookup-client", LOOKUP_LIMIT_PER_CLIENT, LOOKUP_WINDOW_MS),
    perOrderNumber: redisAttemptLimiter(
      redis,
      keySpace,
      "order-lookup-number",
      LOOKUP_LIMIT_PER_NUMBER,
      LOOKUP_WINDOW_MS,
    ),
  };
}

export function defaultSubmitLocks(redis: Redis = limitRedis(), keySpace: KeySpace = appKeySpace): SubmitLocks {
  return redisSubmitLocks(redis, keySpace);
}

// ---- the look-up ----

/** "#1001", "1001", "＃１００１ " → "1001"; null when it cannot be an order number. */
export function orderNumberOf(input: string): string | null {
  const text = input.normalize("NFKC").trim().replace(/^#/, "").trim();
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/.test(text) ? text : null;
}

export function emailOf(input: string): string | null {
  const text = input.normalize("NFKC").trim().toLowerCase();
  return text.length <= 254 && /^[^\s@<>"]+@[^\s@<>"]+$/.test(text) ? text : null;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * The order with this number whose email (the order's, else its customer's) is `email`, or null.
 * The same queries run whether the number or the email is wrong.
 */
export async function findOrderByNumberAndEmail(
  db: Db,
  shop: string,
  number: string,
  email: string,
): Promise<string | null> {
  const orders = await db.order.findMany({
    where: { shop, name: { in: [`#${number}`, number] } },
    select: { id: true, email: true, customerId: true },
    take: 5,
  });
  const customerIds = orders.map((order) => order.customerId ?? "").filter(Boolean);
  const customers = await db.customer.findMany({
    where: { shop, id: { in: customerIds.length ? customerIds : [""] } },
    select: { id: true, email: true },
  });
  const wanted = digest(email);
  let found: string | null = null;
  for (const order of orders) {
    const address =
      order.email ?? customers.find((customer) => customer.id === order.customerId)?.email ?? "\u0000none";
    if (timingSafeEqual(digest(address.trim().toLowerCase()), wanted) && found === null) found = order.id;
  }
  return found;
}

function lookupBody(req: ProxyRequest, locale: Locale, message: { text: string; error: boolean } | null): string {
  const t = translator(locale);
  const action = pagePath(req, "/orders", { locale });
  const banner = message
    ? `<div class="notice${message.error ? " error" : ""}" role="${message.error ? "alert" : "status"}"><p>${h(message.text)}</p></div>`
    : "";
  return `<h1>${h(t("orderPage.lookup.title"))}</h1>
<p class="muted">${h(t("orderPage.lookup.intro"))}</p>
${banner}
<form class="card" method="post" action="${h(action)}">
<label for="lookup-number">${h(t("orderPage.lookup.number"))}</label>
<input type="text" id="lookup-number" name="number" inputmode="text" autocomplete="off" required maxlength="40" placeholder="#1001">
<label for="lookup-email">${h(t("orderPage.lookup.email"))}</label>
<input type="email" id="lookup-email" name="email" autocomplete="email" required maxlength="254">
<button type="submit">${h(t("orderPage.lookup.submit"))}</button>
</form>`;
}

/** The look-up form, also the answer for an order that cannot be opened (unknown, another shop's, a bad or old link). */
export function lookupPage(
  req: ProxyRequest,
  locale: Locale,
  shopName: string,
  status = 200,
  message: { text: string; error: boolean } | null = null,
  headers: Record<string, string> = {},
): Response {
  const t = translator(locale);
  return htmlPage({
    req,
    locale,
    shopName,
    status,
    title: t("orderPage.lookup.title"),
    body: lookupBody(req, locale, message),
    headers,
  });
}

/** What a link that does not open an order answers: the look-up, 404, no hint why. */
export async function notFoundPage(req: ProxyRequest, deps: Pick<OrderPageDeps, "db">): Promise<Response> {
  const shop = await shopFacts(deps.db, req.shop);
  const locale = customerLocale(req, { shop: shop.locale });
  return lookupPage(req, locale, shop.name, 404, {
    text: translator(locale)("orderPage.lookup.notFound"),
    error: true,
  });
}

/**
 * A request for one order's page (or a form on it): the app proxy's signature
 * checked, the token one that opens this order. Else the answer to give (401,
 * or the look-up's 404).
 */
export async function openOrderRequest(
  request: Request,
  deps: Pick<OrderPageDeps, "db" | "secret" | "trustedProxyHops" | "now">,
  info: RequestInfo & { orderId: string },
): Promise<{ req: ProxyRequest; token: string } | Response> {
  const req = proxyRequest(request, deps, info);
  if (req instanceof Response) return req;
  const token = tokenOpens(req, info.orderId, deps);
  return token ? { req, token } : notFoundPage(req, deps);
}

export async function handleLookupGet(request: Request, deps: OrderPageDeps, info: RequestInfo): Promise<Response> {
  const req = proxyRequest(request, deps, info);
  if (req instanceof Response) return req;
  const shop = await shopFacts(deps.db, req.shop);
  return lookupPage(req, customerLocale(req, { shop: shop.locale }), shop.name);
}

export async function handleLookupPost(request: Request, deps: OrderPageDeps, info: RequestInfo): Promise<Response> {
  const req = proxyRequest(request, deps, info);
  if (req instanceof Response) return req;
  const shop = await shopFacts(deps.db, req.shop);
  const locale = customerLocale(req, { shop: shop.locale });
  const t = translator(locale);
  const read = await readForm(request, 16 * 1024);
  if (!read.ok) return messagePage(req, locale, shop.name, read.status, t(`orderPage.errors.form${read.status}`), null);
  const number = orderNumberOf(field(read.form, "number"));
  const email = emailOf(field(read.form, "email"));
  if (!number || !email)
    return lookupPage(req, locale, shop.name, 400, { text: t("orderPage.lookup.invalid"), error: true });

  const [client, perNumber] = await Promise.all([
    deps.limiters.perClient.hit(`${req.shop}|${req.clientAddress}`),
    deps.limiters.perOrderNumber.hit(`${req.shop}|${number.toLowerCase()}`),
  ]);
  if (!client.ok || !perNumber.ok) {
    const wait = Math.max(client.ok ? 0 : client.retryAfterS, perNumber.ok ? 0 : perNumber.retryAfterS);
    return lookupPage(
      req,
      locale,
      shop.name,
      429,
      { text: t("orderPage.lookup.limited", { minutes: String(Math.max(1, Math.ceil(wait / 60))) }), error: true },
      { "Retry-After": String(wait) },
    );
  }
  const orderId = shop.installed ? await findOrderByNumberAndEmail(deps.db, req.shop, number, email) : null;
  if (!orderId) return lookupPage(req, locale, shop.name, 404, { text: t("orderPage.lookup.noMatch"), error: true });
  const token = orderLinkToken(req.shop, orderId, { secret: deps.secret, ...(deps.now ? { now: deps.now() } : {}) });
  return seeOther(orderPath(req, orderId, token, locale));
}
