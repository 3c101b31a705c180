// An Etsy-only seller (no Shopify store), on both databases: signing up
// through the Etsy stand-in over real HTTP creates the account (etsy-<shop id>,
// its Shop row with Etsy's e-mail) and mails the first sign-in link to the
// sandbox's mail sink; asking for a link answers the same for a known and an
// unknown address and is limited per address and per client in a real Redis
// under this run's prefix; a link works once and not after 15 minutes; a
// tampered session cookie is refused; another account's conversation is a 404;
// "Notify now" on an Etsy order says the message is ready to send on Etsy.
import type { Server } from "node:http";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifyCaseNowOutcome, notifyMessage } from "../../app/delays/cases.server.ts";
import { evaluateOrderAndNotify, queueNoticeNotifier } from "../../app/delays/notify.server.ts";
import { createEtsyApi, redisEtsyLimiter, type EtsySettings } from "../../app/etsy/etsy-api.server.ts";
import { etsyCallback } from "../../app/etsy/link-actions.server.ts";
import { standaloneShopKey, startEtsyLink, type EtsyDeps } from "../../app/etsy/oauth.server.ts";
import { pollEtsyShop } from "../../app/etsy/poll-receipts.server.ts";
import { createI18n } from "../../app/i18n/locales.ts";
import { receiveMessage } from "../../app/inbox/receive-message.server.ts";
import { createSmtpMailer } from "../../app/notices/mailer.server.ts";
import { installedShops } from "../../app/sync/sync-shop.server.ts";
import {
  askForSignInLink,
  LINK_TTL_MS,
  sendSignInLink,
  signInLimiters,
  spendSignInLink,
  type MagicLinkDeps,
} from "../../app/standalone/magic-link.server.ts";
import {
  afterStandaloneLink,
  standaloneConversation,
  standaloneConversationAction,
  startEtsySignup,
} from "../../app/standalone/pages.server.ts";
import { decodeSession, encodeSession, readSession, sessionCookie } from "../../app/standalone/session.server.ts";
import { createEtsyStandIn, etsyReceipt, type EtsyStandIn } from "../../sandbox/etsy/index.ts";
import { startMailSink, type MailSink } from "../../sandbox/mail/mail-sink.ts";
import { deleteRedisKeys, REDIS_URL } from "../e2e/support/app.ts";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../support/databases.ts";
import { close, originOf, serve } from "../support/serve.ts";

// The session cookie's secret comes from configuration.
process.env.SHOPIFY_API_KEY ??= "etsy-only-test";
process.env.SHOPIFY_API_SECRET ??= "etsy-only-test-secret-that-is-long-enough";
process.env.SHOPIFY_APP_URL ??= "http://127.0.0.1:9";

const PREFIX = `kizuna-test-etsy-only-${process.pid}`;
const REDIRECT = "http://127.0.0.1:9/etsy/callback";
const DAY = 86_400;
const nowS = () => Math.floor(Date.now() / 1000);
const en = createI18n("en").t;

let redis: Redis;
let sink: MailSink;
beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  sink = await startMailSink();
});
afterAll(async () => {
  redis.disconnect();
  await deleteRedisKeys(PREFIX);
  await sink.close();
});

/** The sign-in link's token in the newest mail to `address`. */
async function linkTokenMailedTo(address: string, after: number): Promise<string> {
  const mail = await sink.waitFor(
    (message) =>
      message.to.includes(address) && Number(message.id) > after && /\/inbox\/login\//.test(message.text ?? ""),
    10_000,
  );
  const token = /\/inbox\/login\/([A-Za-z0-9_-]{43})/.exec(mail.text ?? "")?.[1];
  expect(token).toBeTruthy();
  return token!;
}

const lastMailId = async () => Number((await sink.messages()).at(-1)?.id ?? 0);

describe.each(PROVIDERS)("Etsy-only seller on %s", (provider) => {
  let database: TestDatabase;
  let etsy: EtsyStandIn;
  let server: Server;
  let settings: EtsySettings;
  let deps: EtsyDeps;
  let mailDeps: MagicLinkDeps;
  const keySpace = `${PREFIX}:${provider}`;
  const db = () => database.db;
  const base = provider === "sqlite" ? 7100 : 7200;
  const SELLER = {
    userId: base + 1,
    shopId: base + 11,
    shopName: "MokuMokuWood",
    currency: "JPY",
    email: `Moku-${provider}@Example.com`,
  };
  const OTHER = {
    userId: base + 2,
    shopId: base + 12,
    shopName: "OtherShop",
    currency: "USD",
    email: `other-${provider}@example.com`,
  };
  const NO_EMAIL = { userId: base + 3, shopId: base + 13, shopName: "Quiet", currency: "USD", email: null };

  /** The seller's "Allow" on the stand-in's consent page; answers the callback URL Etsy sends them to. */
  async function consent(authorizeUrl: string, userId: number): Promise<URL> {
    const params = Object.fromEntries(new URL(authorizeUrl).searchParams);
    const answer = await fetch(new URL("/oauth/connect", authorizeUrl), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...params, decision: "allow", user_id: String(userId) }).toString(),
      redirect: "manual",
    });
    expect(answer.status).toBe(302);
    return new URL(answer.headers.get("location")!);
  }

  async function signUp(userId: number) {
    const started = await startEtsySignup(db(), deps);
    if (!started.ok) throw new Error("Etsy not configured");
    const back = await consent(started.authorizeUrl, userId);
    return etsyCallback(db(), back, deps, (shop, linked) => afterStandaloneLink(db(), shop, linked, "en", mailDeps));
  }

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    etsy = createEtsyStandIn();
    for (const seller of [SELLER, OTHER, NO_EMAIL]) etsy.addSeller(seller);
    server = await serve([etsy.handler]);
    const origin = originOf(server);
    settings = {
      apiUrl: `${origin}/v3/application`,
      tokenUrl: `${origin}/v3/public/oauth/token`,
      connectUrl: `${origin}/oauth/connect`,
      apiKey: etsy.apiKey,
      sharedSecret: etsy.sharedSecret,
    };
    deps = {
      settings,
      api: createEtsyApi(
        settings,
        redisEtsyLimiter(redis, () => keySpace, settings.apiKey),
      ),
      redirectUri: REDIRECT,
      key: Buffer.alloc(32, 7),
    };
    mailDeps = {
      mailer: createSmtpMailer(sink.url),
      limiters: signInLimiters(redis, async () => keySpace),
      appUrl: "http://127.0.0.1:9",
      from: "no-reply@kizuna.example",
    };
  });

  afterAll(async () => {
    if (server) await close(server);
    await database?.drop();
  });

  it("signs up through Etsy: the account etsy-<shop id> with Etsy's e-mail, and its first sign-in link mailed", async () => {
    const before = await lastMailId();
    const outcome = await signUp(SELLER.userId);
    const shop = standaloneShopKey(String(SELLER.shopId));
    expect(outcome).toMatchObject({ ok: true, standalone: true, shop, email: SELLER.email.toLowerCase() });
    expect(shop).not.toContain(".");
    const row = await db().shop.findUniqueOrThrow({ where: { domain: shop } });
    expect(row).toMatchObject({ name: "MokuMokuWood", email: SELLER.email.toLowerCase(), currency: "JPY" });
    expect(await db().etsyLink.findUnique({ where: { shop } })).toMatchObject({ etsyShopId: String(SELLER.shopId) });
    await linkTokenMailedTo(SELLER.email.toLowerCase(), before);
    // Connecting again signs up nothing new.
    expect(await signUp(SELLER.userId)).toMatchObject({ ok: true, shop });
    expect(await db().shop.count({ where: { domain: { startsWith: "etsy-" } } })).toBe(1);
  });

  it("refuses a sign-up Etsy gives no e-mail for, creating nothing", async () => {
    const outcome = await signUp(NO_EMAIL.userId);
    expect(outcome).toEqual({ ok: false, status: 400, reason: "no_email" });
    expect(await db().shop.findUnique({ where: { domain: standaloneShopKey(String(NO_EMAIL.shopId)) } })).toBeNull();
    expect(await db().etsyLink.findUnique({ where: { etsyShopId: String(NO_EMAIL.shopId) } })).toBeNull();
  });

  it("refuses to sign up an Etsy shop already linked to a Shopify store", async () => {
    await db().shop.create({ data: { domain: `linked-${provider}.myshopify.com` } });
    const { authorizeUrl } = await startEtsyLink(db(), deps, `linked-${provider}.myshopify.com`);
    const back = await consent(authorizeUrl, OTHER.userId);
    expect(await etsyCallback(db(), back, deps)).toMatchObject({ ok: true, standalone: false });
    expect(await signUp(OTHER.userId)).toEqual({ ok: false, status: 409, reason: "taken" });
    expect(await db().shop.findUnique({ where: { domain: standaloneShopKey(String(OTHER.shopId)) } })).toBeNull();
  });

  it("answers the same for a known and an unknown address; only the known one gets mail", async () => {
    const before = sink.received();
    const ask = (email: string, client: string) =>
      askForSignInLink(db(), mailDeps, { email, clientAddress: client, t: en, locale: "en" });
    const known = await ask(SELLER.email, `known-${provider}`);
    const unknown = await ask(`nobody-${provider}@example.com`, `unknown-${provider}`);
    expect(known).toEqual({ status: 200, ok: true });
    expect(unknown).toEqual(known);
    // A Shopify store's e-mail is no way in either.
    expect(await ask(`linked-${provider}@example.com`, `shopify-${provider}`)).toEqual(known);
    await sink.waitFor((message) => message.to.includes(SELLER.email.toLowerCase()) && Number(message.id) > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sent = (await sink.messages()).slice(-(sink.received() - before));
    expect(sent.map((message) => message.to)).toEqual([expect.stringContaining(SELLER.email.toLowerCase())]);
    expect(await ask("not an address", `bad-${provider}`)).toEqual({ status: 400, ok: false, reason: "bad_address" });
    // A Shopify store whose domain starts like an account's, linked to Etsy, is still no way in.
    const lookalike = `etsy-lovers-${provider}.myshopify.com`;
    await db().shop.create({ data: { domain: lookalike, email: `lookalike-${provider}@example.com` } });
    await db().etsyLink.create({
      data: {
        shop: lookalike,
        etsyShopId: `${base}99`,
        accessToken: "x",
        refreshToken: "y",
        accessExpiresAt: new Date(),
      },
    });
    const count = sink.received();
    expect(await ask(`lookalike-${provider}@example.com`, `look-${provider}`)).toEqual(known);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.received()).toBe(count);
    // The daily Shopify reconciliation leaves Etsy-only accounts alone (they have no Shopify store).
    const installed = await installedShops(db());
    expect(installed).toContain(lookalike);
    expect(installed).not.toContain(standaloneShopKey(String(SELLER.shopId)));
  });

  it("limits asks per address (known or not alike) and per client", async () => {
    const ask = (email: string, client: string) =>
      askForSignInLink(db(), mailDeps, { email, clientAddress: client, t: en, locale: "en" });
    for (const email of [OTHER.email, `ghost-${provider}@example.com`]) {
      for (let n = 0; n < 5; n++) expect((await ask(email, `c${n}-${email}`)).status).toBe(200);
      expect(await ask(email, `c9-${email}`)).toMatchObject({ status: 429, ok: false, reason: "limited" });
    }
    const client = `busy-client-${provider}`;
    for (let n = 0; n < 20; n++) expect((await ask(`n${n}-${provider}@example.com`, client)).status).toBe(200);
    expect(await ask(`n99-${provider}@example.com`, client)).toMatchObject({ status: 429 });
  });

  it("a link signs in once, and not after 15 minutes", async () => {
    const shop = standaloneShopKey(String(SELLER.shopId));
    const email = SELLER.email.toLowerCase();
    let before = await lastMailId();
    await sendSignInLink(db(), mailDeps, { shop, email, t: en, locale: "en" });
    const token = await linkTokenMailedTo(email, before);
    expect(await db().staffLogin.count({ where: { tokenHash: token } })).toBe(0); // only the hash is stored
    expect(await spendSignInLink(db(), token)).toEqual({ shop, email });
    expect(await spendSignInLink(db(), token)).toBeNull();

    const sentAt = new Date();
    before = await lastMailId();
    await sendSignInLink(db(), { ...mailDeps, now: () => sentAt }, { shop, email, t: en, locale: "en" });
    const late = await linkTokenMailedTo(email, before);
    expect(await spendSignInLink(db(), late, new Date(sentAt.getTime() + LINK_TTL_MS + 1000))).toBeNull();
    expect(await spendSignInLink(db(), late, new Date(sentAt.getTime() + LINK_TTL_MS - 1000))).toEqual({ shop, email });
    expect(await spendSignInLink(db(), "x".repeat(43))).toBeNull();
  });

  it("refuses a tampered, re-signed, expired or foreign session cookie", () => {
    const secret = "a-secret-of-at-least-thirty-two-chars!";
    const shop = standaloneShopKey(String(SELLER.shopId));
    const good = encodeSession({ shop, email: "a@example.com", expiresAt: Date.now() + 60_000 }, secret);
    expect(decodeSession(good, secret)).toMatchObject({ shop });
    const [value, signature] = good.split(".");
    const otherShop = Buffer.from(JSON.stringify({ s: "etsy-1", e: "a@example.com", x: Date.now() + 60_000 })).toString(
      "base64url",
    );
    expect(decodeSession(`${otherShop}.${signature}`, secret)).toBeNull();
    expect(decodeSession(`${value}.${signature!.slice(0, -2)}AA`, secret)).toBeNull();
    expect(decodeSession(good, `${secret}-other`)).toBeNull();
    expect(decodeSession(good, secret, Date.now() + 120_000)).toBeNull();
    // A Shopify store's domain is never a standalone session.
    const shopify = encodeSession(
      { shop: "x.myshopify.com", email: "a@example.com", expiresAt: Date.now() + 60_000 },
      secret,
    );
    expect(decodeSession(shopify, secret)).toBeNull();
    // Through the request: the cookie the app sets reads back; one changed by a byte does not.
    const set = sessionCookie(shop, "a@example.com").split(";")[0]!;
    expect(sessionCookie(shop, "a@example.com")).toMatch(/HttpOnly; SameSite=Lax/);
    expect(readSession(new Request("http://x/inbox", { headers: { Cookie: set } }))).toMatchObject({ shop });
    const tampered = set.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    expect(readSession(new Request("http://x/inbox", { headers: { Cookie: tampered } }))).toBeNull();
  });

  it("shows a conversation to its own account only: another account's id is a 404, no cookie goes to sign-in", async () => {
    const mine = standaloneShopKey(String(SELLER.shopId));
    const theirs = "etsy-999999";
    await db().shop.create({ data: { domain: theirs, email: "theirs@example.com" } });
    const received = await receiveMessage(db(), theirs, {
      channel: "etsy",
      providerMessageId: `etsy-their-${provider}`,
      identities: [{ kind: "etsy_buyer", value: "880001" }],
      contactName: "Buyer",
      subject: "Etsy Conversation with Buyer",
      text: "Where is my order?",
      kind: "message",
      etsyUrl: "https://www.etsy.com/conversations/1",
      receivedAt: new Date(),
    });
    if (received.dropped) throw new Error("the message was dropped");
    const id = received.conversationId;
    const cookie = (shop: string) => sessionCookie(shop, "me@example.com").split(";")[0]!;
    const asMine = new Request(`http://x/inbox/${id}`, { headers: { Cookie: cookie(mine) } });
    const refused = await standaloneConversation(db(), asMine, String(id)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(404);
    const post = new Request(`http://x/inbox/${id}`, {
      method: "POST",
      headers: { Cookie: cookie(mine), "Content-Type": "application/x-www-form-urlencoded" },
      body: "intent=resolve",
    });
    const refusedPost = await standaloneConversationAction(db(), post, String(id)).catch((error: unknown) => error);
    expect((refusedPost as Response).status).toBe(404);
    expect((await db().conversation.findUniqueOrThrow({ where: { id } })).status).not.toBe("resolved");
    // Its own account sees it.
    const asTheirs = new Request(`http://x/inbox/${id}`, { headers: { Cookie: cookie(theirs) } });
    expect((await standaloneConversation(db(), asTheirs, String(id))).conversation.id).toBe(id);
    const anonymous = await standaloneConversation(db(), new Request(`http://x/inbox/${id}`), String(id)).catch(
      (error: unknown) => error,
    );
    expect((anonymous as Response).status).toBe(302);
    expect((anonymous as Response).headers.get("Location")).toBe("/inbox/login");
  });

  it("Notify now on an Etsy order says the message is ready to send on Etsy, not that the customer was told", async () => {
    const shop = standaloneShopKey(String(SELLER.shopId));
    etsy.putReceipt(
      SELLER.shopId,
      etsyReceipt({
        receiptId: base * 1000 + 1,
        sellerUserId: SELLER.userId,
        buyerUserId: base + 50,
        buyerName: "Emma Clarke",
        buyerEmail: "emma@example.com",
        country: "GB",
        currency: "JPY",
        divisor: 1,
        createdAt: nowS() - 12 * DAY,
        updatedAt: nowS(),
        items: [{ transactionId: base * 1000 + 2, listingId: 3, title: "Wooden spoon", quantity: 1, price: 900 }],
      }),
    );
    await pollEtsyShop(db(), deps, shop);
    const orderId = `etsy:${base * 1000 + 1}`;
    await evaluateOrderAndNotify(db(), shop, orderId, new Date());
    const delay = await db().delayCase.findFirstOrThrow({ where: { shop, orderId } });
    const outcome = await notifyCaseNowOutcome(db(), shop, delay.id, queueNoticeNotifier(db()));
    expect(outcome).toBe("prepared_on_etsy");
    expect(notifyMessage(en, outcome)).toBe(en("standalone.delays.etsyPrepared"));
    expect(notifyMessage(en, outcome)).toContain("ready to send on Etsy");
    expect(notifyMessage(en, outcome)).not.toBe(en("delays.actions.told"));
    expect(notifyMessage(createI18n("ja").t, outcome)).toContain("Etsyで送る");
    expect(await db().notice.count({ where: { shop } })).toBe(0);
    expect(await db().message.count({ where: { shop, channel: "etsy", status: "to_send" } })).toBeGreaterThan(0);
  });
});
