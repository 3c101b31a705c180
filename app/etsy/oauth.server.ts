// Linking an Etsy shop: OAuth 2.0 authorization code with PKCE (S256).
// start: a random state and code_verifier are kept (the verifier encrypted) in
// EtsyAuthStart for 10 minutes, and the seller goes to Etsy's consent page.
// callback: the state must be one we made, unexpired, and is consumed once (a
// replay, a forged or an expired state is refused with nothing stored); the
// code and verifier are traded for tokens, users/me and the shop name the link.
// Tokens are stored encrypted (token-crypto.server.ts) and refreshed when less
// than 5 minutes of the access token's hour is left; a refused refresh marks
// the link "reconnect" and deletes nothing (the mirrored orders stay).
import { createHash, randomBytes } from "node:crypto";
import Redis from "ioredis";
import type { Db } from "../db.server.ts";
import { env } from "../env.server.ts";
import { appKeySpace } from "../jobs/queues.server.ts";
import {
  createEtsyApi,
  EtsyApiError,
  etsySettings,
  redisEtsyLimiter,
  type EtsyApi,
  type EtsySettings,
  type EtsyTokens,
} from "./etsy-api.server.ts";
import { decryptToken, encryptToken, TokenCryptoError, tokenKey } from "./token-crypto.server.ts";
import { standaloneShopKey } from "../shops/shop-key.ts";
import type { EtsyLinkView } from "./types.ts";

export type { EtsyLinkView } from "./types.ts";

export const ETSY_SCOPES = ["transactions_r", "email_r", "shops_r"] as const;
export const AUTH_START_TTL_MS = 10 * 60_000;
/** Refresh when less than this is left of the access token (it lives an hour). */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export interface EtsyDeps {
  settings: EtsySettings;
  api: EtsyApi;
  /** Where Etsy sends the seller back: <app>/etsy/callback (registered with the app on Etsy). */
  redirectUri: string;
  /** The token key (default from configuration). */
  key?: Buffer;
  now?: () => Date;
}

/** A refusal the seller can be shown, with the HTTP status the route answers. */
export class EtsyLinkError extends Error {
  override name = "EtsyLinkError";
  constructor(
    readonly status: 400 | 404 | 409 | 502,
    /** A stable reason for the page's wording: state_unknown | state_expired | denied | taken | etsy_failed | no_shop. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** The link needs the seller to connect again (Etsy refused the refresh token). */
export class EtsyReconnectNeeded extends Error {
  override name = "EtsyReconnectNeeded";
}

/** The start of an Etsy-only account (no Shopify store): its shop is only known once Etsy names it. */
export const ETSY_SIGNUP = "etsy-signup";
export { isStandaloneShop, standaloneShopKey } from "../shops/shop-key.ts";

const base64url = (bytes: Buffer) => bytes.toString("base64url");
export const pkceChallenge = (verifier: string) => base64url(createHash("sha256").update(verifier).digest());

/** Starts linking `shop`: the URL of Etsy's consent page for this attempt. */
export async function startEtsyLink(db: Db, deps: EtsyDeps, shop: string): Promise<{ authorizeUrl: string }> {
  const now = deps.now?.() ?? new Date();
  const key = deps.key ?? tokenKey();
  const state = base64url(randomBytes(32));
  // 64 characters of the RFC 7636 alphabet (43–128 allowed).
  const codeVerifier = base64url(randomBytes(48));
  // Starts nobody finished are of no use to anyone.
  await db.etsyAuthStart.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - AUTH_START_TTL_MS) } } });
  await db.etsyAuthStart.create({
    data: { state, shop, codeVerifier: encryptToken(codeVerifier, key), createdAt: now },
  });
  const url = new URL(deps.settings.connectUrl);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: deps.settings.apiKey,
    redirect_uri: deps.redirectUri,
    scope: ETSY_SCOPES.join(" "),
    state,
    code_challenge: pkceChallenge(codeVerifier),
    code_challenge_method: "S256",
  }).toString();
  return { authorizeUrl: url.toString() };
}

export interface CallbackInput {
  state: string | null;
  code: string | null;
  /** Etsy's `error` when the seller declined (access_denied). */
  error: string | null;
}

/** Takes the start named by `state` once: whoever deletes it owns it (a replay finds nothing). */
async function consumeStart(db: Db, state: string, now: Date) {
  const start = await db.etsyAuthStart.findUnique({ where: { state } });
  if (!start) throw new EtsyLinkError(400, "state_unknown", "This Etsy link attempt is unknown or was already used.");
  const { count } = await db.etsyAuthStart.deleteMany({ where: { state } });
  if (count === 0) throw new EtsyLinkError(400, "state_unknown", "This Etsy link attempt was already used.");
  if (now.getTime() - start.createdAt.getTime() > AUTH_START_TTL_MS)
    throw new EtsyLinkError(400, "state_expired", "This Etsy link attempt expired: start again from Settings.");
  return start;
}

function accessExpiry(tokens: EtsyTokens, now: Date): Date {
  return new Date(now.getTime() + tokens.expires_in * 1000);
}

/** Finishes linking: the shop the start belongs to and the Etsy shop's name. */
export async function finishEtsyLink(
  db: Db,
  deps: EtsyDeps,
  input: CallbackInput,
): Promise<{ shop: string; etsyShopId: string; etsyShopName: string; standalone: boolean; email: string | null }> {
  const now = deps.now?.() ?? new Date();
  const key = deps.key ?? tokenKey();
  const state = input.state?.trim();
  if (!state || state.length > 200) throw new EtsyLinkError(400, "state_unknown", "The Etsy answer carries no state.");
  const start = await consumeStart(db, state, now);
  if (input.error) throw new EtsyLinkError(400, "denied", "The Etsy shop was not linked (declined on Etsy).");
  const code = input.code?.trim();
  if (!code || code.length > 2000) throw new EtsyLinkError(400, "denied", "The Etsy answer carries no code.");
  let tokens: EtsyTokens;
  let me: { userId: string; shopId: string | null };
  let etsyShop: { shopId: string; shopName: string; currency?: string | null };
  const signup = start.shop === ETSY_SIGNUP;
  let email: string | null = null;
  try {
    tokens = await deps.api.exchangeCode({
      code,
      codeVerifier: decryptToken(start.codeVerifier, key),
      redirectUri: deps.redirectUri,
    });
    me = await deps.api.getMe(tokens.access_token);
    if (!me.shopId) throw new EtsyLinkError(400, "no_shop", "This Etsy account has no shop.");
    etsyShop = await deps.api.getShop(tokens.access_token, me.shopId);
    // An Etsy-only seller signs in by e-mail: the address Etsy has for them (email_r).
    if (signup) email = (await deps.api.getUserEmail(tokens.access_token, me.userId))?.toLowerCase() ?? null;
  } catch (error) {
    if (error instanceof EtsyLinkError) throw error;
    throw new EtsyLinkError(502, "etsy_failed", `Etsy did not complete the link: ${(error as Error).message}`);
  }
  if (signup && (!email || email.length > 254 || !email.includes("@")))
    throw new EtsyLinkError(400, "no_email", "Etsy gave no e-mail address for this account.");
  const shop = signup ? standaloneShopKey(etsyShop.shopId) : start.shop;
  const other = await db.etsyLink.findUnique({ where: { etsyShopId: etsyShop.shopId }, select: { shop: true } });
  if (other && other.shop !== shop)
    throw new EtsyLinkError(409, "taken", "This Etsy shop is already linked to another store in Kizuna.");
  if (signup) {
    // The account's Shop row, so the inbox, settings and the poll treat it like any shop.
    const profile = { name: etsyShop.shopName, email, currency: etsyShop.currency ?? null };
    await db.shop.upsert({
      where: { domain: shop },
      create: { domain: shop, ...profile },
      update: { ...profile, uninstalledAt: null },
    });
  }
  const previous = await db.etsyLink.findUnique({ where: { shop }, select: { etsyShopId: true } });
  const sealed = {
    etsyShopId: etsyShop.shopId,
    etsyShopName: etsyShop.shopName,
    etsyUserId: me.userId,
    accessToken: encryptToken(tokens.access_token, key),
    refreshToken: encryptToken(tokens.refresh_token, key),
    accessExpiresAt: accessExpiry(tokens, now),
    status: "connected",
    lastError: null,
  };
  await db.etsyLink.upsert({
    where: { shop },
    create: { shop, ...sealed },
    // Reconnecting the same Etsy shop keeps the poll's place; another Etsy shop starts from the beginning.
    update: previous?.etsyShopId === etsyShop.shopId ? sealed : { ...sealed, pollCursor: 0, lastPolledAt: null },
  });
  return { shop, etsyShopId: etsyShop.shopId, etsyShopName: etsyShop.shopName, standalone: signup, email };
}

export interface LinkedEtsyShop {
  shop: string;
  etsyShopId: string;
  accessToken: string;
}

/** Whether Etsy's answer means the refresh token is no good any more (revoked, expired, used). */
function refusedForGood(error: unknown): boolean {
  return error instanceof EtsyApiError && (error.code === "invalid_grant" || error.status === 401);
}

/**
 * A usable access token for `shop`'s link, refreshed first when less than 5
 * minutes are left. Throws EtsyReconnectNeeded when the link needs the seller.
 * One poll runs per shop at a time (its job id), so two refreshes never race.
 */
export async function etsyAccessToken(db: Db, deps: EtsyDeps, shop: string): Promise<LinkedEtsyShop> {
  const now = deps.now?.() ?? new Date();
  const key = deps.key ?? tokenKey();
  const link = await db.etsyLink.findUnique({ where: { shop } });
  if (!link) throw new EtsyReconnectNeeded("No Etsy shop is linked.");
  if (link.status === "reconnect") throw new EtsyReconnectNeeded(link.lastError ?? "The Etsy link needs reconnecting.");
  let stored: { access: string; refresh: string };
  try {
    stored = { access: decryptToken(link.accessToken, key), refresh: decryptToken(link.refreshToken, key) };
  } catch (error) {
    if (!(error instanceof TokenCryptoError)) throw error;
    // ETSY_TOKEN_KEY changed: the stored access can never be read again; only linking again mends it.
    const lastError = "Kizuna can no longer read the stored Etsy access (its key changed): connect the shop again.";
    await db.etsyLink.update({ where: { shop }, data: { status: "reconnect", lastError } });
    throw new EtsyReconnectNeeded(lastError);
  }
  if (link.accessExpiresAt.getTime() - now.getTime() > REFRESH_MARGIN_MS)
    return { shop, etsyShopId: link.etsyShopId, accessToken: stored.access };
  let tokens: EtsyTokens;
  try {
    tokens = await deps.api.refresh(stored.refresh);
  } catch (error) {
    if (!refusedForGood(error)) throw error; // Etsy away: the next poll tries again, nothing changes
    const lastError = `Etsy refused to renew access (${(error as EtsyApiError).code ?? (error as EtsyApiError).status}): connect the shop again.`;
    await db.etsyLink.update({ where: { shop }, data: { status: "reconnect", lastError } });
    throw new EtsyReconnectNeeded(lastError);
  }
  await db.etsyLink.update({
    where: { shop },
    data: {
      accessToken: encryptToken(tokens.access_token, key),
      refreshToken: encryptToken(tokens.refresh_token, key),
      accessExpiresAt: accessExpiry(tokens, now),
      lastError: null,
    },
  });
  return { shop, etsyShopId: link.etsyShopId, accessToken: tokens.access_token };
}

/** Forgets the link and its tokens; the orders it mirrored stay. */
export async function disconnectEtsy(db: Db, shop: string): Promise<boolean> {
  const { count } = await db.etsyLink.deleteMany({ where: { shop } });
  await db.etsyAuthStart.deleteMany({ where: { shop } });
  return count > 0;
}

/** What the Settings card shows (never a token). */
export async function etsyLinkView(db: Db, shop: string, configured: boolean): Promise<EtsyLinkView> {
  const [link, etsyOrders] = await Promise.all([
    db.etsyLink.findUnique({
      where: { shop },
      select: { etsyShopName: true, status: true, lastPolledAt: true, lastError: true },
    }),
    db.order.count({ where: { shop, source: "etsy" } }),
  ]);
  return {
    configured,
    linked: link !== null,
    etsyShopName: link?.etsyShopName ?? null,
    status: link ? (link.status === "reconnect" ? "reconnect" : "connected") : null,
    lastPolledAt: link?.lastPolledAt?.toISOString() ?? null,
    lastError: link?.lastError ?? null,
    etsyOrders,
  };
}

// ---- the app's own wiring ----

let sharedRedis: Redis | undefined;

/** Etsy as configured for this process (web or worker), or null when Etsy is not set up. */
export function etsyDepsFromEnv(
  options: { redis?: Redis; keySpace?: () => Promise<string> | string } = {},
): EtsyDeps | null {
  const settings = etsySettings();
  if (!settings) return null;
  const redis =
    options.redis ??
    (sharedRedis ??= new Redis(env().REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: true }));
  const limiter = redisEtsyLimiter(redis, options.keySpace ?? appKeySpace, settings.apiKey);
  return {
    settings,
    api: createEtsyApi(settings, limiter),
    redirectUri: `${env().SHOPIFY_APP_URL.replace(/\/$/, "")}/etsy/callback`,
  };
}
