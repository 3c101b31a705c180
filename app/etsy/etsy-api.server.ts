// The one module that talks HTTP to Etsy (Open API v3): the OAuth token
// endpoint, users/me, shops and receipts. Every request, from every web and
// worker process, first takes a place from one limiter per app kept in Redis
// (Etsy's limits are per app: 10 requests a second and 10,000 a day), reads
// Etsy's x-remaining-this-second / x-remaining-today, and on 429 waits the
// retry-after Etsy gives (shared: every process waits) before a bounded retry.
// Tokens travel only in the Authorization header and request bodies; no error
// or log line carries one.
import { createHash } from "node:crypto";
import type Redis from "ioredis";
import { z } from "zod";
import { env, isLocalUrl, type Env } from "../env.server.ts";

// ---- configuration ----

export const ETSY_PRODUCTION_API_URL = "https://openapi.etsy.com/v3/application";
const ETSY_TOKEN_URL = "https://api.etsy.com/v3/public/oauth/token";
const ETSY_CONNECT_URL = "https://www.etsy.com/oauth/connect";

export interface EtsySettings {
  /** Base of the application API, e.g. https://openapi.etsy.com/v3/application (no trailing slash). */
  apiUrl: string;
  /** Where codes and refresh tokens are traded for tokens. */
  tokenUrl: string;
  /** The consent page the seller is sent to. */
  connectUrl: string;
  /** The app's keystring (OAuth client_id) and shared secret. */
  apiKey: string;
  sharedSecret: string;
}

/**
 * Etsy's endpoints and the app's credentials, or null when Etsy is not set up
 * (no ETSY_API_KEY). ETSY_API_URL picks the API; without it, the sandbox's
 * stand-in serves it in sandbox mode (and outside production when the sandbox
 * runs), and Etsy otherwise. A stand-in serves the token endpoint and the
 * consent page on its own origin.
 */
export function etsySettings(config: Env = env()): EtsySettings | null {
  if (!config.ETSY_API_KEY || !config.ETSY_SHARED_SECRET) return null;
  const sandboxApi = config.SHOPIFY_SANDBOX_ORIGIN
    ? `${config.SHOPIFY_SANDBOX_ORIGIN.replace(/\/$/, "")}/v3/application`
    : undefined;
  const standIn = config.SHOPIFY_SANDBOX === "1" || config.NODE_ENV !== "production" ? sandboxApi : undefined;
  const apiUrl = (config.ETSY_API_URL ?? standIn ?? ETSY_PRODUCTION_API_URL).replace(/\/$/, "");
  const { origin, hostname } = new URL(apiUrl);
  const etsy = hostname === "etsy.com" || hostname.endsWith(".etsy.com");
  return {
    apiUrl,
    tokenUrl: etsy ? ETSY_TOKEN_URL : `${origin}/v3/public/oauth/token`,
    connectUrl: etsy ? ETSY_CONNECT_URL : `${origin}/oauth/connect`,
    apiKey: config.ETSY_API_KEY,
    sharedSecret: config.ETSY_SHARED_SECRET,
  };
}

/** Whether `settings` may receive tokens: Etsy over https, or a stand-in on this machine. */
export function isTrustedEtsyUrl(url: string): boolean {
  return url.startsWith("https://") || isLocalUrl(url);
}

// ---- the shared limiter ----

export const ETSY_LIMITS = {
  perSecond: 10,
  perDay: 10_000,
  /**
   * The window a second's requests are counted in. Etsy counts where they
   * arrive: a little more than a second, so network jitter between our clock
   * (Redis's) and Etsy's can never make it see an eleventh.
   */
  windowMs: 1_050,
} as const;

export class EtsyDailyBudgetSpent extends Error {
  override name = "EtsyDailyBudgetSpent";
  constructor() {
    super("Etsy's daily request budget for the app is spent: polling resumes tomorrow (UTC)");
  }
}

export interface EtsyLimiter {
  /** Waits for a place in this second's requests and the day's budget; throws EtsyDailyBudgetSpent. */
  take(): Promise<void>;
  /** No process sends anything for `ms` (Etsy said 429 and retry-after). */
  holdFor(ms: number): Promise<void>;
  /** What Etsy's headers said is left; null when a header was absent. */
  noteRemaining(today: number | null, thisSecond: number | null): Promise<void>;
}

// A sliding log rather than a refilling bucket: a bucket of 10 refilled at
// 10/s lets 20 through within one second after a burst, which Etsy refuses.
// Redis's clock (TIME) is the one clock of every process.
// KEYS: 1 log (sorted set), 2 day counter, 3 hold-until, 4 sequence.
// ARGV: 1 per second, 2 window ms, 3 per day.
// Returns {1, 0} taken, {0, wait ms}, {-1, 0} the day's budget is spent.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hold = tonumber(redis.call('GET', KEYS[3]) or '0')
if hold > now then return {0, hold - now} end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, math.max(1, tonumber(oldest[2]) + window - now)}
end
if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[3]) then return {-1, 0} end
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], 172800000)
redis.call('ZADD', KEYS[1], now, now .. '-' .. redis.call('INCR', KEYS[4]))
redis.call('PEXPIRE', KEYS[1], window * 2)
redis.call('PEXPIRE', KEYS[4], window * 2)
return {1, 0}
`;

// KEYS: 1 hold-until. ARGV: 1 ms. Only ever lengthens a hold.
const HOLD = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[1]) or '0') < until_ then
  redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 1000)
end
return until_
`;

// KEYS: 1 day counter. ARGV: 1 used according to Etsy. Only ever raises the count.
const NOTE_USED = `
if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', 172800000)
end
return 1
`;

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** One limiter per app (per keystring) under `keySpace` in Redis, shared by every process using that key space. */
export function redisEtsyLimiter(
  redis: Redis,
  keySpace: () => Promise<string> | string,
  apiKey: string,
  limits: { perSecond: number; perDay: number; windowMs: number } = ETSY_LIMITS,
): EtsyLimiter {
  const app = createHash("sha256").update(apiKey).digest("base64url").slice(0, 16);
  const keys = async () => {
    const base = `${await keySpace()}:etsy:${app}`;
    const day = new Date().toISOString().slice(0, 10);
    return { log: `${base}:second`, day: `${base}:day:${day}`, hold: `${base}:hold`, seq: `${base}:seq` };
  };
  return {
    async take() {
      for (;;) {
        const k = await keys();
        const [outcome, wait] = (await redis.eval(
          TAKE,
          4,
          k.log,
          k.day,
          k.hold,
          k.seq,
          limits.perSecond,
          limits.windowMs,
          limits.perDay,
        )) as [number, number];
        if (outcome === 1) return;
        if (outcome === -1) throw new EtsyDailyBudgetSpent();
        await sleep(Math.min(Math.max(wait, 1), 60_000));
      }
    },
    async holdFor(ms) {
      const k = await keys();
      await redis.eval(HOLD, 1, k.hold, Math.max(0, Math.ceil(ms)));
    },
    async noteRemaining(today, thisSecond) {
      const k = await keys();
      if (today !== null) await redis.eval(NOTE_USED, 1, k.day, Math.max(0, limits.perDay - today));
      // Someone else spends this app's second (another deployment with the same key): step aside for it.
      if (thisSecond === 0) await redis.eval(HOLD, 1, k.hold, 1_000);
    },
  };
}

// ---- errors ----

export class EtsyApiError extends Error {
  override name = "EtsyApiError";
  constructor(
    readonly status: number,
    /** Etsy's `error` (OAuth: invalid_grant, invalid_request…), when it gave one. */
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }
}

export class EtsyRateLimited extends Error {
  override name = "EtsyRateLimited";
  constructor(readonly retryAfterS: number) {
    super(`Etsy kept answering 429 (retry after ${retryAfterS} s): the next poll tries again`);
  }
}

// ---- shapes Etsy answers with (only the fields Kizuna reads; Etsy adds fields over time) ----

const Money = z.object({
  amount: z.number().int(),
  divisor: z.number().int().min(1),
  currency_code: z.string().min(1),
});
export type EtsyMoney = z.infer<typeof Money>;

const Shipment = z.object({
  receipt_shipping_id: z.number().int().nullable().optional(),
  shipment_notification_timestamp: z.number().int().nullable().optional(),
  carrier_name: z.string().nullable().optional(),
  tracking_code: z.string().nullable().optional(),
  tracking_url: z.string().nullable().optional(),
});

const Variation = z.object({
  formatted_name: z.string().nullable().optional(),
  formatted_value: z.string().nullable().optional(),
});

const Transaction = z.object({
  transaction_id: z.number().int(),
  title: z.string().nullable().optional(),
  quantity: z.number().int(),
  listing_id: z.number().int().nullable().optional(),
  product_id: z.number().int().nullable().optional(),
  sku: z.string().nullable().optional(),
  price: Money,
  variations: z.array(Variation).nullable().optional(),
});

const Receipt = z.object({
  receipt_id: z.number().int(),
  buyer_user_id: z.number().int().nullable().optional(),
  buyer_email: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  first_line: z.string().nullable().optional(),
  second_line: z.string().nullable().optional(),
  city: z.string().nullable().optional(),
  state: z.string().nullable().optional(),
  zip: z.string().nullable().optional(),
  country_iso: z.string().nullable().optional(),
  status: z.string(),
  message_from_buyer: z.string().nullable().optional(),
  is_paid: z.boolean().optional(),
  is_shipped: z.boolean().optional(),
  create_timestamp: z.number().int().optional(),
  created_timestamp: z.number().int().optional(),
  update_timestamp: z.number().int().optional(),
  updated_timestamp: z.number().int().optional(),
  grandtotal: Money,
  shipments: z.array(Shipment).nullable().optional(),
  transactions: z.array(Transaction).nullable().optional(),
});
export type EtsyReceipt = z.infer<typeof Receipt>;

const Receipts = z.object({ count: z.number().int(), results: z.array(Receipt) });
export type EtsyReceiptPage = z.infer<typeof Receipts>;

const Me = z.object({ user_id: z.number().int(), shop_id: z.number().int().nullable().optional() });
const Shop = z.object({ shop_id: z.number().int(), shop_name: z.string(), currency_code: z.string().nullish() });
// getUser: primary_email only with the email_r scope, and only for the token's own user.
const User = z.object({ user_id: z.number().int(), primary_email: z.string().nullish() });

const Tokens = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  token_type: z.string().optional(),
});
export type EtsyTokens = z.infer<typeof Tokens>;

// ---- the client ----

export interface EtsyApiOptions {
  /** Tries per request when Etsy answers 429 (default 5). */
  maxAttempts?: number;
  /** A retry-after longer than this is not waited for in the job: it fails and the next poll tries (default 60 s). */
  maxRetryAfterS?: number;
  timeoutMs?: number;
}

export interface ReceiptQuery {
  minLastModified: number;
  limit: number;
  offset: number;
}

export interface EtsyApi {
  /** OAuth token endpoint: an authorization code (with its PKCE verifier) or a refresh token for tokens. */
  exchangeCode(input: { code: string; codeVerifier: string; redirectUri: string }): Promise<EtsyTokens>;
  refresh(refreshToken: string): Promise<EtsyTokens>;
  getMe(accessToken: string): Promise<{ userId: string; shopId: string | null }>;
  getShop(accessToken: string, shopId: string): Promise<{ shopId: string; shopName: string; currency?: string | null }>;
  /** The user's primary e-mail (email_r), null when Etsy gives none. */
  getUserEmail(accessToken: string, userId: string): Promise<string | null>;
  /** getShopReceipts, oldest change first (sort_on updated, ascending). */
  getShopReceipts(accessToken: string, shopId: string, query: ReceiptQuery): Promise<EtsyReceiptPage>;
}

function headerNumber(headers: Headers, name: string): number | null {
  const value = headers.get(name);
  if (value === null || value.trim() === "") return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

/** retry-after in seconds (Etsy sends seconds; an HTTP date is read too); 1 s when absent or unreadable. */
function retryAfterSeconds(headers: Headers): number {
  const value = headers.get("retry-after")?.trim();
  if (!value) return 1;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(value);
  return Number.isNaN(at) ? 1 : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function describe(status: number, body: unknown): { code: string | null; text: string } {
  if (typeof body === "object" && body !== null) {
    const record = body as Record<string, unknown>;
    const code = typeof record.error === "string" ? record.error : null;
    const description = typeof record.error_description === "string" ? record.error_description : null;
    return { code, text: description ?? code ?? `HTTP ${status}` };
  }
  return { code: null, text: `HTTP ${status}` };
}

export function createEtsyApi(settings: EtsySettings, limiter: EtsyLimiter, options: EtsyApiOptions = {}): EtsyApi {
  const maxAttempts = options.maxAttempts ?? 5;
  const maxRetryAfterS = options.maxRetryAfterS ?? 60;
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!isTrustedEtsyUrl(settings.apiUrl) || !isTrustedEtsyUrl(settings.tokenUrl))
    throw new Error("Etsy's URLs must be https:// (or local, for the sandbox): tokens are sent there");

  async function send(url: string, init: { method: "GET" | "POST"; headers: Record<string, string>; body?: string }) {
    for (let attempt = 1; ; attempt++) {
      await limiter.take();
      const response = await fetch(url, {
        method: init.method,
        headers: {
          ...init.headers,
          "x-api-key": `${settings.apiKey}:${settings.sharedSecret}`,
          accept: "application/json",
        },
        body: init.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await limiter.noteRemaining(
        headerNumber(response.headers, "x-remaining-today"),
        headerNumber(response.headers, "x-remaining-this-second"),
      );
      if (response.status === 429) {
        await response.body?.cancel();
        const retryAfter = retryAfterSeconds(response.headers);
        if (attempt >= maxAttempts || retryAfter > maxRetryAfterS) {
          await limiter.holdFor(retryAfter * 1000);
          throw new EtsyRateLimited(retryAfter);
        }
        // Every process waits it out (take() honours the hold), then this request goes again.
        await limiter.holdFor(retryAfter * 1000);
        continue;
      }
      const text = await response.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      if (!response.ok) {
        const { code, text: message } = describe(response.status, body);
        throw new EtsyApiError(response.status, code, `Etsy answered ${response.status}: ${message}`);
      }
      return body;
    }
  }

  function parsed<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
    const result = schema.safeParse(body);
    if (!result.success) throw new EtsyApiError(502, null, `Etsy's ${what} was not in the expected shape`);
    return result.data;
  }

  const tokenRequest = async (params: Record<string, string>) =>
    parsed(
      Tokens,
      await send(settings.tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ client_id: settings.apiKey, ...params }).toString(),
      }),
      "token answer",
    );

  const get = (path: string, accessToken: string, query?: Record<string, string | number>) => {
    const url = new URL(`${settings.apiUrl}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, String(value));
    return send(url.toString(), { method: "GET", headers: { authorization: `Bearer ${accessToken}` } });
  };

  return {
    exchangeCode: ({ code, codeVerifier, redirectUri }) =>
      tokenRequest({ grant_type: "authorization_code", redirect_uri: redirectUri, code, code_verifier: codeVerifier }),
    refresh: (refreshToken) => tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken }),
    async getMe(accessToken) {
      const me = parsed(Me, await get("/users/me", accessToken), "users/me answer");
      return { userId: String(me.user_id), shopId: me.shop_id == null ? null : String(me.shop_id) };
    },
    async getShop(accessToken, shopId) {
      if (!/^\d+$/.test(shopId)) throw new EtsyApiError(400, null, "not an Etsy shop id");
      const shop = parsed(Shop, await get(`/shops/${shopId}`, accessToken), "shop answer");
      return { shopId: String(shop.shop_id), shopName: shop.shop_name, currency: shop.currency_code ?? null };
    },
    async getUserEmail(accessToken, userId) {
      if (!/^\d+$/.test(userId)) throw new EtsyApiError(400, null, "not an Etsy user id");
      const user = parsed(User, await get(`/users/${userId}`, accessToken), "user answer");
      return user.primary_email?.trim() || null;
    },
    async getShopReceipts(accessToken, shopId, query) {
      if (!/^\d+$/.test(shopId)) throw new EtsyApiError(400, null, "not an Etsy shop id");
      const body = await get(`/shops/${shopId}/receipts`, accessToken, {
        min_last_modified: query.minLastModified,
        limit: query.limit,
        offset: query.offset,
        sort_on: "updated",
        sort_order: "asc",
      });
      return parsed(Receipts, body, "receipts answer");
    },
  };
}
