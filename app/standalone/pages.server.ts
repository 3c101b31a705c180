// What the standalone inbox's pages read and do (Etsy-only sellers, outside
// the Shopify admin), so the routes under app/routes/etsy._index.tsx and
// app/routes/inbox*.tsx stay thin. Every inbox read and action is scoped to
// the signed-in account's shop: another account's conversation is a 404.
import { randomBytes } from "node:crypto";
import { redirect } from "@remix-run/node";
import type { TFunction } from "i18next";
import { readAdminForm } from "../admin/form-input.server.ts";
import type { Db } from "../db.server.ts";
import { env } from "../env.server.ts";
import { queueFirstPoll } from "../etsy/link-actions.server.ts";
import { ETSY_SIGNUP, etsyDepsFromEnv, startEtsyLink, type EtsyDeps } from "../etsy/oauth.server.ts";
import { createI18n, matchLocale, type Locale } from "../i18n/locales.ts";
import {
  conversationPage,
  handleConversationAction,
  inboxListPage,
  ListQuery,
  shopToday,
  staffAuthor,
} from "../inbox/inbox-pages.server.ts";
import { getShopProfile } from "../shops/shop-overview.server.ts";
import { clientAddressOf } from "../storefront/client-address.server.ts";
import {
  askForSignInLink,
  magicLinkDepsFromEnv,
  sendSignInLink,
  signInLinkUsable,
  spendSignInLink,
  type MagicLinkDeps,
} from "./magic-link.server.ts";
import {
  requireSession,
  sessionCookie,
  signOutCookie,
  StandaloneNotConfigured,
  sessionSecret,
} from "./session.server.ts";

export const PRIVATE = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } as const;

/** The page's language: ?locale= (kept in the links), else the browser's, else English (ADR 0011). */
export function standaloneLocale(request: Request): Locale {
  return (
    matchLocale(new URL(request.url).searchParams.get("locale")) ??
    matchLocale(request.headers.get("Accept-Language")?.split(",")[0]?.split(";")[0]?.trim()) ??
    "en"
  );
}

const withLocaleParam = (path: string, locale: Locale) => (locale === "ja" ? `${path}?locale=ja` : path);

// ---- sign-up ----

export type SignupAnswer = { ok: true; authorizeUrl: string } | { ok: false; status: 404; reason: "not_configured" };

/** "Connect with Etsy" without a Shopify store: Etsy's consent page for a new account. */
export async function startEtsySignup(db: Db, deps: EtsyDeps | null = etsyDepsFromEnv()): Promise<SignupAnswer> {
  if (!deps) return { ok: false, status: 404, reason: "not_configured" };
  const { authorizeUrl } = await startEtsyLink(db, deps, ETSY_SIGNUP);
  return { ok: true, authorizeUrl };
}

/**
 * After Etsy's callback linked an Etsy-only account: its first poll, and its first sign-in
 * link to the address Etsy gave (the callback page says it was sent).
 */
export async function afterStandaloneLink(
  db: Db,
  shop: string,
  linked: { standalone: boolean; email: string | null },
  locale: Locale,
  deps: MagicLinkDeps = magicLinkDepsFromEnv(),
): Promise<void> {
  await queueFirstPoll(shop);
  if (!linked.standalone || !linked.email) return;
  // The mail server away: the account stands, and /inbox/login sends a link later.
  await sendSignInLink(db, deps, { shop, email: linked.email, t: createI18n(locale).t, locale }).catch(
    (error: unknown) => console.error("standalone: the first sign-in link was not sent:", (error as Error).message),
  );
}

/** The address a sign-in link went to, partly hidden for the page (o***@example.com). */
export function maskedAddress(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  return `${local.slice(0, 1)}***@${domain}`;
}

// ---- sign-in ----

export interface LoginAnswer {
  status: 200 | 400 | 429 | 503;
  ok: boolean;
  message: string;
}

function notConfigured(t: TFunction): LoginAnswer {
  return { status: 503, ok: false, message: t("standalone.login.notConfigured") };
}

/** The e-mail form: the same answer for an address with or without an account. */
export async function loginAction(
  db: Db,
  request: Request,
  socketAddress: string | null,
  deps: MagicLinkDeps = magicLinkDepsFromEnv(),
): Promise<LoginAnswer> {
  const locale = standaloneLocale(request);
  const { t } = createI18n(locale);
  try {
    sessionSecret();
  } catch (error) {
    if (error instanceof StandaloneNotConfigured) return notConfigured(t);
    throw error;
  }
  const body = await readAdminForm(request);
  if (!body.ok) return { status: 400, ok: false, message: t("standalone.login.badAddress") };
  const clientAddress = clientAddressOf(
    request.headers.get("x-forwarded-for"),
    socketAddress,
    env().TRUSTED_PROXY_HOPS,
  );
  const answer = await askForSignInLink(db, deps, { email: body.fields.email, clientAddress, t, locale });
  if (answer.ok) return { status: 200, ok: true, message: t("standalone.login.sent") };
  if (answer.reason === "bad_address") return { status: 400, ok: false, message: t("standalone.login.badAddress") };
  return {
    status: 429,
    ok: false,
    message: t("standalone.login.limited", { minutes: String(Math.max(1, Math.ceil(answer.retryAfterS / 60))) }),
  };
}

/** Opening the link: whether its "Sign in" button will work (nothing spent yet). */
export async function linkPage(db: Db, token: string): Promise<{ usable: boolean }> {
  return { usable: await signInLinkUsable(db, token) };
}

/** The "Sign in" button: spends the link and sets the session cookie, or says the link is no good. */
export async function spendLinkAction(db: Db, request: Request, token: string): Promise<Response | { usable: false }> {
  const signedIn = await spendSignInLink(db, token);
  if (!signedIn) return { usable: false };
  return redirect(withLocaleParam("/inbox", standaloneLocale(request)), {
    headers: { ...PRIVATE, "Set-Cookie": sessionCookie(signedIn.shop, signedIn.email) },
  });
}

export function signOut(request: Request): Response {
  return redirect(withLocaleParam("/inbox/login", standaloneLocale(request)), {
    headers: { ...PRIVATE, "Set-Cookie": signOutCookie() },
  });
}

// ---- the inbox ----

/** The account shown in the standalone frame's top bar, or null on the sign-in pages. */
export async function frameAccount(db: Db, shop: string | null) {
  if (!shop) return null;
  const row = await db.shop.findUnique({ where: { domain: shop }, select: { name: true } });
  return { shopName: row?.name ?? shop };
}

export async function standaloneInboxList(db: Db, request: Request) {
  const session = requireSession(request);
  const query = ListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [page, shop] = await Promise.all([inboxListPage(db, session.shop, query), getShopProfile(db, session.shop)]);
  return { ...page, query, timezone: shop.timezone };
}

const ID = /^[1-9]\d{0,9}$/;
const conversationId = (raw: string | undefined) => {
  const id = raw ?? "";
  if (!ID.test(id) || Number(id) > 2_147_483_647) throw new Response("Not found", { status: 404 });
  return Number(id);
};

export async function standaloneConversation(db: Db, request: Request, rawId: string | undefined) {
  const session = requireSession(request);
  const page = await conversationPage(db, session.shop, conversationId(rawId));
  if (!page) throw new Response("Not found", { status: 404 });
  return {
    ...page,
    me: staffAuthor(session.email),
    today: shopToday(page.timezone),
    attempt: `${Date.now().toString(36)}${randomBytes(4).toString("hex")}`,
  };
}

/** Reply preparation, "mark sent", notes, status… — the embedded inbox's own actions, for this account's shop. */
export async function standaloneConversationAction(db: Db, request: Request, rawId: string | undefined) {
  const session = requireSession(request);
  const id = conversationId(rawId);
  const owned = await db.conversation.findFirst({ where: { shop: session.shop, id }, select: { id: true } });
  if (!owned) throw new Response("Not found", { status: 404 });
  return handleConversationAction(db, request, session.shop, id, {
    staffUserId: session.email,
    t: createI18n(standaloneLocale(request)).t,
  });
}
