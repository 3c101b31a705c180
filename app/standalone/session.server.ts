// The standalone inbox's session (Etsy-only sellers, no Shopify admin around
// the page): a signed cookie naming the account's shop and the address that
// signed in. HMAC-SHA256 over the value, HttpOnly, SameSite=Lax, Secure when
// the app is served over https (production). The secret is
// STANDALONE_SESSION_SECRET, else SHOPIFY_API_SECRET; production refuses one
// shorter than 32 characters rather than sign with it.
import { createHmac, timingSafeEqual } from "node:crypto";
import { redirect } from "@remix-run/node";
import { env } from "../env.server.ts";
import { isStandaloneShop } from "../shops/shop-key.ts";

export const SESSION_COOKIE = "kizuna_inbox";
/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 14 * 24 * 3600_000;
export const MIN_SECRET_LENGTH = 32;

export interface StandaloneSession {
  shop: string;
  email: string;
  /** Epoch ms after which the cookie is refused. */
  expiresAt: number;
}

export class StandaloneNotConfigured extends Error {
  override name = "StandaloneNotConfigured";
}

/** The signing secret from configuration (throws StandaloneNotConfigured when production has only a short one). */
export function sessionSecret(): string {
  const config = env();
  const secret = config.STANDALONE_SESSION_SECRET ?? config.SHOPIFY_API_SECRET;
  if (config.NODE_ENV === "production" && secret.length < MIN_SECRET_LENGTH)
    throw new StandaloneNotConfigured(
      `The standalone inbox needs STANDALONE_SESSION_SECRET of at least ${MIN_SECRET_LENGTH} characters.`,
    );
  return secret;
}

const sign = (value: string, secret: string) =>
  createHmac("sha256", `kizuna-standalone-session:${secret}`).update(value).digest("base64url");

export function encodeSession(session: StandaloneSession, secret: string): string {
  const value = Buffer.from(JSON.stringify({ s: session.shop, e: session.email, x: session.expiresAt })).toString(
    "base64url",
  );
  return `${value}.${sign(value, secret)}`;
}

/** The session a cookie value carries, or null when it is unsigned, tampered with, expired or malformed. */
export function decodeSession(cookie: string, secret: string, now = Date.now()): StandaloneSession | null {
  const [value, signature, ...rest] = cookie.split(".");
  if (!value || !signature || rest.length) return null;
  const expected = Buffer.from(sign(value, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const { s, e, x } = parsed as Record<string, unknown>;
  if (typeof s !== "string" || typeof e !== "string" || typeof x !== "number") return null;
  if (!isStandaloneShop(s) || x <= now) return null;
  return { shop: s, email: e, expiresAt: x };
}

function cookieValue(request: Request, name: string): string | null {
  for (const part of (request.headers.get("Cookie") ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return null;
}

const secureCookies = () => env().SHOPIFY_APP_URL.startsWith("https:") || env().NODE_ENV === "production";

/** Set-Cookie for a new sign-in of `shop` by `email`. */
export function sessionCookie(shop: string, email: string, now = Date.now()): string {
  const value = encodeSession({ shop, email, expiresAt: now + SESSION_TTL_MS }, sessionSecret());
  return [
    `${SESSION_COOKIE}=${value}`,
    "Path=/",
    `Max-Age=${Math.floor(SESSION_TTL_MS / 1000)}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(secureCookies() ? ["Secure"] : []),
  ].join("; ");
}

/** Set-Cookie that signs out. */
export function signOutCookie(): string {
  return [
    `${SESSION_COOKIE}=`,
    "Path=/",
    "Max-Age=0",
    "HttpOnly",
    "SameSite=Lax",
    ...(secureCookies() ? ["Secure"] : []),
  ].join("; ");
}

/** The request's signed-in account, or null. */
export function readSession(request: Request): StandaloneSession | null {
  const cookie = cookieValue(request, SESSION_COOKIE);
  if (!cookie) return null;
  try {
    return decodeSession(cookie, sessionSecret());
  } catch (error) {
    if (error instanceof StandaloneNotConfigured) return null;
    throw error;
  }
}

/** The signed-in account, or a redirect to the sign-in page (keeping the language). */
export function requireSession(request: Request): StandaloneSession {
  const session = readSession(request);
  if (session) return session;
  const locale = new URL(request.url).searchParams.get("locale");
  throw redirect(locale === "ja" || locale === "en" ? `/inbox/login?locale=${locale}` : "/inbox/login", {
    headers: { "Cache-Control": "no-store" },
  });
}
