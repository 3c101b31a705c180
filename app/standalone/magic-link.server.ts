// Sign-in by e-mailed link for Etsy-only sellers. Asking for a link answers
// the same whether or not the address has an account (nobody can find out who
// uses Kizuna); asks are limited per address and per client in Redis. The
// link holds a random token; only its SHA-256 is stored (StaffLogin). It works
// once, for 15 minutes. Opening the link shows a "Sign in" button and only the
// POST spends the token, so a mail scanner fetching links cannot use it up.
import { createHash, randomBytes } from "node:crypto";
import type { TFunction } from "i18next";
import type Redis from "ioredis";
import type { Db } from "../db.server.ts";
import { env } from "../env.server.ts";
import { isStandaloneShop } from "../shops/shop-key.ts";
import { appKeySpace } from "../jobs/queues.server.ts";
import { defaultSenderAddress } from "../notices/deliver-notice.server.ts";
import { sharedMailer } from "../notices/delivery-deps.server.ts";
import type { Mailer } from "../notices/mailer.server.ts";
import { redisAttemptLimiter, type AttemptLimiter } from "../storefront/order-lookup.server.ts";
import { limitRedis } from "./limit-redis.server.ts";

export const LINK_TTL_MS = 15 * 60_000;
export const ASKS_PER_ADDRESS = 5;
export const ASKS_PER_CLIENT = 20;
export const ASK_WINDOW_MS = 15 * 60_000;

export interface SignInLimiters {
  perAddress: AttemptLimiter;
  perClient: AttemptLimiter;
}

export interface MagicLinkDeps {
  mailer: Mailer;
  limiters: SignInLimiters;
  /** The app's public URL (the link's origin). */
  appUrl: string;
  from: string;
  now?: () => Date;
}

export function signInLimiters(
  redis: Redis = limitRedis(),
  keySpace: () => Promise<string> = appKeySpace,
): SignInLimiters {
  return {
    perAddress: redisAttemptLimiter(redis, keySpace, "inbox-login-address", ASKS_PER_ADDRESS, ASK_WINDOW_MS),
    perClient: redisAttemptLimiter(redis, keySpace, "inbox-login-client", ASKS_PER_CLIENT, ASK_WINDOW_MS),
  };
}

export function magicLinkDepsFromEnv(): MagicLinkDeps {
  const config = env();
  return {
    mailer: sharedMailer(),
    limiters: signInLimiters(),
    appUrl: config.SHOPIFY_APP_URL,
    from: defaultSenderAddress(config.SHOPIFY_APP_URL, config.MAIL_FROM),
  };
}

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

const ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/;

/** A sign-in address as typed, normalised; null when it cannot be one. */
export function normaliseAddress(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const address = value.trim().toLowerCase();
  return address.length <= 254 && ADDRESS.test(address) ? address : null;
}

export type AskAnswer =
  | { status: 200; ok: true }
  | { status: 400; ok: false; reason: "bad_address" }
  | { status: 429; ok: false; reason: "limited"; retryAfterS: number };

/** The Etsy-only account an address signs in to (the oldest, if ever several), or null. */
async function accountOf(db: Db, email: string): Promise<string | null> {
  const shops = await db.shop.findMany({
    where: { email, domain: { startsWith: "etsy-" }, uninstalledAt: null },
    orderBy: { installedAt: "asc" },
    select: { domain: true },
    take: 20,
  });
  // Never a Shopify store (its staff sign in through the Shopify admin), even one named etsy-….
  const shop = shops.find((row) => isStandaloneShop(row.domain));
  if (!shop) return null;
  const link = await db.etsyLink.findUnique({ where: { shop: shop.domain }, select: { shop: true } });
  return link ? shop.domain : null;
}

/** Asks for a sign-in link: the same answer whether the address has an account or not. */
export async function askForSignInLink(
  db: Db,
  deps: MagicLinkDeps,
  input: { email: unknown; clientAddress: string; t: TFunction; locale: string },
): Promise<AskAnswer> {
  const email = normaliseAddress(input.email);
  if (!email) return { status: 400, ok: false, reason: "bad_address" };
  const [client, address] = await Promise.all([
    deps.limiters.perClient.hit(input.clientAddress),
    deps.limiters.perAddress.hit(email),
  ]);
  if (!client.ok || !address.ok)
    return {
      status: 429,
      ok: false,
      reason: "limited",
      retryAfterS: Math.max(client.retryAfterS, address.retryAfterS),
    };
  const shop = await accountOf(db, email);
  if (shop) await sendSignInLink(db, deps, { shop, email, t: input.t, locale: input.locale });
  return { status: 200, ok: true };
}

/** Makes a link for `email` into `shop` and mails it (also after sign-up). */
export async function sendSignInLink(
  db: Db,
  deps: MagicLinkDeps,
  input: { shop: string; email: string; t: TFunction; locale: string },
): Promise<void> {
  const now = deps.now?.() ?? new Date();
  const token = randomBytes(32).toString("base64url");
  // Links nobody used are of no use to anyone.
  await db.staffLogin.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - LINK_TTL_MS) } } });
  await db.staffLogin.create({
    data: {
      tokenHash: hashToken(token),
      shop: input.shop,
      email: input.email,
      expiresAt: new Date(now.getTime() + LINK_TTL_MS),
      createdAt: now,
    },
  });
  const url = new URL(`/inbox/login/${token}`, deps.appUrl);
  if (input.locale === "ja") url.searchParams.set("locale", "ja");
  const { t } = input;
  const text = [
    t("standalone.mail.greeting"),
    "",
    t("standalone.mail.body"),
    "",
    url.toString(),
    "",
    t("standalone.mail.ignore"),
  ].join("\n");
  const escape = (value: string) =>
    value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const html = `<p>${escape(t("standalone.mail.greeting"))}</p><p>${escape(t("standalone.mail.body"))}</p><p><a href="${escape(url.toString())}">${escape(t("standalone.mail.button"))}</a></p><p>${escape(t("standalone.mail.ignore"))}</p>`;
  await deps.mailer.send({
    from: { name: "Kizuna", address: deps.from },
    to: { address: input.email },
    subject: t("standalone.mail.subject"),
    text,
    html,
  });
}

/** Whether a token from a link looks like one of ours (before any database read). */
export const isTokenShape = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

/** Whether the link can still be used (the confirm page; spends nothing). */
export async function signInLinkUsable(db: Db, token: string, now = new Date()): Promise<boolean> {
  if (!isTokenShape(token)) return false;
  const row = await db.staffLogin.findUnique({ where: { tokenHash: hashToken(token) } });
  return Boolean(row && !row.usedAt && row.expiresAt > now);
}

/** Spends the link: the account it signs in to, or null when unknown, used or expired. */
export async function spendSignInLink(
  db: Db,
  token: string,
  now = new Date(),
): Promise<{ shop: string; email: string } | null> {
  if (!isTokenShape(token)) return null;
  const tokenHash = hashToken(token);
  // Whoever marks it used owns it: two clicks at once sign in once.
  const { count } = await db.staffLogin.updateMany({
    where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (count !== 1) return null;
  const row = await db.staffLogin.findUnique({ where: { tokenHash }, select: { shop: true, email: true } });
  return row;
}
