// Linking an Etsy shop and mirroring its receipts, on both databases, over
// real HTTP against the sandbox's Etsy stand-in, with the shared limiter in a
// real Redis under this run's own prefix: PKCE and state (wrong, replayed,
// expired refused, nothing stored), tokens encrypted at rest, refresh before
// expiry, a refused refresh marks the link for reconnect and keeps every
// mirrored order, 429 + retry-after obeyed and never more than 10 requests in
// a second (the stand-in's own timestamps), exact money (JPY and USD), re-poll
// idempotent, and an Etsy delay queues no notice but prepares an Etsy message.
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateOrderAndNotify } from "../../app/delays/notify.server.ts";
import { createEtsyApi, EtsyApiError, redisEtsyLimiter, type EtsySettings } from "../../app/etsy/etsy-api.server.ts";
import {
  etsyAccessToken,
  etsyLinkView,
  EtsyLinkError,
  EtsyReconnectNeeded,
  finishEtsyLink,
  startEtsyLink,
  type EtsyDeps,
} from "../../app/etsy/oauth.server.ts";
import { etsyCallback, etsyLinkAction } from "../../app/etsy/link-actions.server.ts";
import { linkedEtsyShops, pollEtsyShop } from "../../app/etsy/poll-receipts.server.ts";
import { moneyText } from "../../app/etsy/receipts.server.ts";
import { decryptToken } from "../../app/etsy/token-crypto.server.ts";
import { queueNotice } from "../../app/notices/queue-notice.server.ts";
import { freePort } from "../../sandbox/http.ts";
import { createEtsyStandIn, etsyReceipt, type EtsyStandIn } from "../../sandbox/etsy/index.ts";
import { composeHandlers } from "../../sandbox/server.ts";
import { deleteRedisKeys, REDIS_URL } from "../e2e/support/app.ts";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../support/databases.ts";

const PREFIX = `kizuna-test-etsy-${process.pid}`;
const REDIRECT = "http://127.0.0.1:9/etsy/callback";
const DAY = 86_400;
const nowS = () => Math.floor(Date.now() / 1000);

const JP_SELLER = { userId: 5101, shopId: 6101, shopName: "AizomeStudio", currency: "JPY" };
const US_SELLER = { userId: 5102, shopId: 6102, shopName: "PortlandLeather", currency: "USD" };
const BUSY_SELLER = { userId: 5103, shopId: 6103, shopName: "BusyShop", currency: "USD" };
const BUSY_SELLER_2 = { userId: 5104, shopId: 6104, shopName: "BusyShopTwo", currency: "USD" };
const DRIFT_SELLER = { userId: 5105, shopId: 6105, shopName: "DriftShop", currency: "USD" };

let redis: Redis;
beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
});
afterAll(async () => {
  redis.disconnect();
  await deleteRedisKeys(PREFIX);
});

describe.each(PROVIDERS)("Etsy link and receipts on %s", (provider) => {
  let database: TestDatabase;
  let etsy: EtsyStandIn;
  let server: Server;
  let settings: EtsySettings;
  let deps: EtsyDeps;
  const key = randomBytes(32);
  const keySpace = `${PREFIX}:${provider}`;
  const db = () => database.db;

  const depsWith = (overrides: Partial<EtsyDeps> = {}): EtsyDeps => ({
    settings,
    api: createEtsyApi(
      settings,
      redisEtsyLimiter(redis, () => keySpace, settings.apiKey),
    ),
    redirectUri: REDIRECT,
    key,
    ...overrides,
  });

  /** The seller's round trip: Etsy's consent page, "Allow", and back to the callback with code and state. */
  async function consent(authorizeUrl: string, userId: number) {
    const page = await fetch(authorizeUrl);
    expect(page.status).toBe(200);
    const params = Object.fromEntries(new URL(authorizeUrl).searchParams);
    const answer = await fetch(new URL("/oauth/connect", authorizeUrl), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...params, decision: "allow", user_id: String(userId) }).toString(),
      redirect: "manual",
    });
    expect(answer.status).toBe(302);
    const back = new URL(answer.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    return { code: back.searchParams.get("code"), state: back.searchParams.get("state") };
  }

  async function link(shop: string, userId: number, using: EtsyDeps = deps) {
    await db().shop.upsert({ where: { domain: shop }, create: { domain: shop, currency: "JPY" }, update: {} });
    const { authorizeUrl } = await startEtsyLink(db(), using, shop);
    const { code, state } = await consent(authorizeUrl, userId);
    return finishEtsyLink(db(), using, { state, code, error: null });
  }

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    etsy = createEtsyStandIn();
    for (const seller of [JP_SELLER, US_SELLER, BUSY_SELLER, BUSY_SELLER_2, DRIFT_SELLER]) etsy.addSeller(seller);
    const port = await freePort();
    server = composeHandlers([etsy.handler]);
    await new Promise<void>((done) => server.listen(port, "127.0.0.1", () => done()));
    const origin = `http://127.0.0.1:${port}`;
    settings = {
      apiUrl: `${origin}/v3/application`,
      tokenUrl: `${origin}/v3/public/oauth/token`,
      connectUrl: `${origin}/oauth/connect`,
      apiKey: etsy.apiKey,
      sharedSecret: etsy.sharedSecret,
    };
    deps = depsWith();
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    await database?.drop();
  });

  it("sends the seller to Etsy with PKCE (S256), the three scopes and a state kept for 10 minutes", async () => {
    const { authorizeUrl } = await startEtsyLink(db(), deps, "pkce.myshopify.com");
    const url = new URL(authorizeUrl);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("scope")).toBe("transactions_r email_r shops_r");
    expect(url.searchParams.get("client_id")).toBe(etsy.apiKey);
    const state = url.searchParams.get("state")!;
    const start = await db().etsyAuthStart.findUniqueOrThrow({ where: { state } });
    expect(start.shop).toBe("pkce.myshopify.com");
    // The verifier is kept encrypted, and it is the one the challenge was made from.
    const verifier = decryptToken(start.codeVerifier, key);
    expect(start.codeVerifier).not.toContain(verifier);
    const { pkceChallenge } = await import("../../app/etsy/oauth.server.ts");
    expect(pkceChallenge(verifier)).toBe(url.searchParams.get("code_challenge"));
  });

  it("refuses a wrong state, a replayed state and an expired one with 400, storing nothing", async () => {
    const shop = "state.myshopify.com";
    const { authorizeUrl } = await startEtsyLink(db(), deps, shop);
    const { code, state } = await consent(authorizeUrl, JP_SELLER.userId);
    const wrong = await finishEtsyLink(db(), deps, { state: "not-our-state", code, error: null }).catch(
      (e: unknown) => e,
    );
    expect(wrong).toBeInstanceOf(EtsyLinkError);
    expect((wrong as EtsyLinkError).status).toBe(400);
    expect(await db().etsyLink.count({ where: { shop } })).toBe(0);

    const linked = await finishEtsyLink(db(), deps, { state, code, error: null });
    expect(linked).toMatchObject({ shop, etsyShopId: String(JP_SELLER.shopId), etsyShopName: JP_SELLER.shopName });
    const before = await db().etsyLink.findUniqueOrThrow({ where: { shop } });

    const replayed = await finishEtsyLink(db(), deps, { state, code, error: null }).catch((e: unknown) => e);
    expect((replayed as EtsyLinkError).status).toBe(400);
    expect(await db().etsyLink.findUniqueOrThrow({ where: { shop } })).toEqual(before);

    const later = depsWith({ now: () => new Date(Date.now() + 11 * 60_000) });
    const { authorizeUrl: second } = await startEtsyLink(db(), deps, "expired.myshopify.com");
    const answer = await consent(second, US_SELLER.userId);
    const expired = await finishEtsyLink(db(), later, { ...answer, error: null }).catch((e: unknown) => e);
    expect((expired as EtsyLinkError).status).toBe(400);
    expect((expired as EtsyLinkError).reason).toBe("state_expired");
    expect(await db().etsyLink.count({ where: { shop: "expired.myshopify.com" } })).toBe(0);
    await db().etsyLink.delete({ where: { shop } });
  });

  it("the stand-in refuses a code without the verifier its challenge was made from", async () => {
    const { authorizeUrl } = await startEtsyLink(db(), deps, "verifier.myshopify.com");
    const { code } = await consent(authorizeUrl, JP_SELLER.userId);
    const refused = await deps.api
      .exchangeCode({ code: code!, codeVerifier: "x".repeat(64), redirectUri: REDIRECT })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EtsyApiError);
    expect((refused as EtsyApiError).code).toBe("invalid_grant");
  });

  it("keeps tokens encrypted at rest and refreshes them when less than 5 minutes are left", async () => {
    const shop = "tokens.myshopify.com";
    etsy.setAccessTokenSeconds(3600);
    await link(shop, JP_SELLER.userId);
    const row = await db().etsyLink.findUniqueOrThrow({ where: { shop } });
    const stored = JSON.stringify(row);
    for (const token of etsy.issuedTokens) expect(stored).not.toContain(token);
    const access = decryptToken(row.accessToken, key);
    expect(etsy.issuedTokens).toContain(access);

    // An hour left: the stored token is used as it is (no call to Etsy's token endpoint).
    const tokenCalls = () => etsy.requests.filter((r) => r.path === "/v3/public/oauth/token").length;
    const calls = tokenCalls();
    expect((await etsyAccessToken(db(), deps, shop)).accessToken).toBe(access);
    expect(tokenCalls()).toBe(calls);

    // Four minutes left: renewed first.
    const soon = depsWith({ now: () => new Date(row.accessExpiresAt.getTime() - 4 * 60_000) });
    const renewed = await etsyAccessToken(db(), soon, shop);
    expect(renewed.accessToken).not.toBe(access);
    expect(tokenCalls()).toBe(calls + 1);
    const after = await db().etsyLink.findUniqueOrThrow({ where: { shop } });
    expect(decryptToken(after.accessToken, key)).toBe(renewed.accessToken);
    expect(after.accessToken).not.toContain(renewed.accessToken);
    expect(after.accessExpiresAt.getTime()).toBeGreaterThan(row.accessExpiresAt.getTime());

    // Another ETSY_TOKEN_KEY can never open what is stored: the link asks for a reconnect (nothing is sent to Etsy).
    const calls2 = tokenCalls();
    const rekeyed = await etsyAccessToken(db(), depsWith({ key: randomBytes(32) }), shop).catch((e: unknown) => e);
    expect(rekeyed).toBeInstanceOf(EtsyReconnectNeeded);
    expect(tokenCalls()).toBe(calls2);
    expect(await db().etsyLink.findUniqueOrThrow({ where: { shop } })).toMatchObject({ status: "reconnect" });
    await db().etsyLink.delete({ where: { shop } });
  });

  it("mirrors receipts with exact money (JPY and USD), items, shipments and the buyer's note; a re-poll changes nothing", async () => {
    const created = nowS() - 2 * DAY;
    etsy.putReceipt(
      JP_SELLER.shopId,
      etsyReceipt({
        receiptId: 4100000001,
        sellerUserId: JP_SELLER.userId,
        buyerUserId: 7101,
        buyerName: "Yui Tanaka",
        buyerEmail: "Yui.Tanaka@example.jp",
        country: "JP",
        currency: "JPY",
        divisor: 1,
        createdAt: created,
        messageFromBuyer: "<b>急ぎ</b>でお願いします",
        items: [
          {
            transactionId: 4200000001,
            listingId: 1,
            title: "藍染めストール",
            quantity: 2,
            price: 1800,
            variations: [["色", "藍"]],
          },
        ],
        shipping: 400,
      }),
    );
    etsy.putReceipt(
      US_SELLER.shopId,
      etsyReceipt({
        receiptId: 4100000002,
        sellerUserId: US_SELLER.userId,
        buyerUserId: 7102,
        buyerName: "Sam Reed",
        buyerEmail: null,
        country: "US",
        currency: "USD",
        divisor: 100,
        createdAt: created,
        updatedAt: created + 3600,
        status: "Partially Refunded",
        items: [
          { transactionId: 4200000002, listingId: 2, title: "Leather wallet", quantity: 3, price: 3750, sku: "WAL-1" },
          { transactionId: 4200000003, listingId: 3, title: "Key fob", quantity: 1, price: 1099 },
        ],
        discount: 1125,
        shipping: 599,
        tax: 1,
        shipments: [
          {
            id: 4300000001,
            at: created + 3600,
            carrier: "USPS",
            trackingCode: "9400TEST",
            trackingUrl: "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400TEST",
          },
        ],
      }),
    );
    await link("jp.myshopify.com", JP_SELLER.userId);
    await link("us.myshopify.com", US_SELLER.userId);
    const jp = await pollEtsyShop(db(), deps, "jp.myshopify.com");
    const us = await pollEtsyShop(db(), deps, "us.myshopify.com");
    expect(jp).toMatchObject({ status: "polled", receipts: 1, written: 1 });
    expect(us).toMatchObject({ status: "polled", receipts: 1, written: 1 });

    const yen = await db().order.findUniqueOrThrow({
      where: { shop_id: { shop: "jp.myshopify.com", id: "etsy:4100000001" } },
    });
    expect(yen).toMatchObject({
      name: "Etsy #4100000001",
      source: "etsy",
      currency: "JPY",
      totalPrice: "4000",
      email: "yui.tanaka@example.jp",
      financialStatus: "PAID",
      fulfillmentStatus: "UNFULFILLED",
      buyerNote: "<b>急ぎ</b>でお願いします",
      locale: "ja",
    });
    const dollars = await db().order.findUniqueOrThrow({
      where: { shop_id: { shop: "us.myshopify.com", id: "etsy:4100000002" } },
    });
    // 3 × 37.50 + 10.99 − 11.25 + 5.99 + 0.01 = 118.24
    expect(dollars).toMatchObject({
      currency: "USD",
      totalPrice: "118.24",
      email: null,
      financialStatus: "PARTIALLY_REFUNDED",
      fulfillmentStatus: "FULFILLED",
      buyerNote: null,
    });
    const items = await db().lineItem.findMany({
      where: { shop: "us.myshopify.com", orderId: "etsy:4100000002" },
      orderBy: { id: "asc" },
    });
    expect(items.map((i) => [i.title, i.quantity, i.price, i.sku])).toEqual([
      ["Leather wallet", 3, "37.50", "WAL-1"],
      ["Key fob", 1, "10.99", null],
    ]);
    const yenItem = await db().lineItem.findFirstOrThrow({
      where: { shop: "jp.myshopify.com", orderId: "etsy:4100000001" },
    });
    expect(yenItem).toMatchObject({ price: "1800", quantity: 2, variantTitle: "色: 藍" });
    const parcel = await db().fulfillment.findFirstOrThrow({
      where: { shop: "us.myshopify.com", orderId: "etsy:4100000002" },
    });
    expect(parcel).toMatchObject({ id: "etsy:4300000001", trackingCompany: "USPS", trackingNumbers: '["9400TEST"]' });
    expect(JSON.parse(parcel.trackingUrls)).toEqual(["https://tools.usps.com/go/TrackConfirmAction?tLabels=9400TEST"]);
    expect(moneyText({ amount: -5, divisor: 100, currency_code: "USD" })).toBe("-0.05");

    // The same receipts again: nothing is written, nothing changes.
    const snapshot = async () =>
      JSON.stringify(
        await Promise.all([
          db().order.findMany({ where: { source: "etsy" }, orderBy: { id: "asc" } }),
          db().lineItem.findMany({ where: { orderId: { startsWith: "etsy:" } }, orderBy: { id: "asc" } }),
          db().fulfillment.findMany({ where: { orderId: { startsWith: "etsy:" } }, orderBy: { id: "asc" } }),
        ]),
      );
    const before = await snapshot();
    expect(await pollEtsyShop(db(), deps, "jp.myshopify.com")).toMatchObject({ status: "polled", written: 0 });
    expect(await pollEtsyShop(db(), deps, "us.myshopify.com")).toMatchObject({ status: "polled", written: 0 });
    expect(await snapshot()).toBe(before);
    const cursor = (await db().etsyLink.findUniqueOrThrow({ where: { shop: "us.myshopify.com" } })).pollCursor;
    expect(cursor).toBe(created + 3600);

    // Etsy changes the receipt (shipped, later update time): the next poll writes the change.
    const [jpReceipt] = etsy.receipts(JP_SELLER.shopId).filter((r) => r.receipt_id === 4100000001);
    etsy.putReceipt(JP_SELLER.shopId, {
      ...jpReceipt!,
      status: "Completed",
      is_shipped: true,
      updated_timestamp: created + 7200,
      update_timestamp: created + 7200,
      shipments: [
        {
          receipt_shipping_id: 4300000009,
          shipment_notification_timestamp: created + 7200,
          carrier_name: "Yamato",
          tracking_code: "1234-5678-9012",
        },
      ],
    });
    expect(await pollEtsyShop(db(), deps, "jp.myshopify.com")).toMatchObject({ status: "polled", written: 1 });
    const shipped = await db().order.findUniqueOrThrow({
      where: { shop_id: { shop: "jp.myshopify.com", id: "etsy:4100000001" } },
    });
    expect(shipped).toMatchObject({ fulfillmentStatus: "FULFILLED", totalPrice: "4000" });
    const yamato = await db().fulfillment.findFirstOrThrow({
      where: { shop: "jp.myshopify.com", orderId: "etsy:4100000001" },
    });
    expect(yamato).toMatchObject({ trackingCompany: "Yamato", trackingNumbers: '["1234-5678-9012"]' });
  });

  it("an Etsy delay queues no e-mail notice: it becomes a prepared Etsy message in the buyer's language", async () => {
    const shop = "jp.myshopify.com";
    const created = nowS() - 12 * DAY;
    etsy.putReceipt(
      JP_SELLER.shopId,
      etsyReceipt({
        receiptId: 4100000009,
        sellerUserId: JP_SELLER.userId,
        buyerUserId: 7109,
        buyerName: "Aoi Kato",
        buyerEmail: "aoi.kato@example.jp",
        country: "JP",
        currency: "JPY",
        divisor: 1,
        createdAt: created,
        updatedAt: nowS(),
        items: [{ transactionId: 4200000009, listingId: 9, title: "豆皿セット", quantity: 1, price: 2600 }],
      }),
    );
    await pollEtsyShop(db(), deps, shop);
    const orderId = "etsy:4100000009";
    // The notice engine itself refuses an Etsy order, storing nothing.
    const direct = await queueNotice(db(), { shop, kind: "delay", dedupeKey: "etsy-direct", orderId, variables: {} });
    expect(direct.status).toBe("disabled");
    const results = await evaluateOrderAndNotify(db(), shop, orderId, new Date());
    expect(results).toEqual([]);
    expect(await db().notice.count({ where: { shop } })).toBe(0);
    const delay = await db().delayCase.findFirstOrThrow({ where: { shop, orderId } });
    expect(delay.notifiedAt).not.toBeNull();
    const prepared = await db().message.findMany({ where: { shop, channel: "etsy", status: "to_send" } });
    expect(prepared).toHaveLength(1);
    expect(prepared[0]!.direction).toBe("outgoing");
    expect(prepared[0]!.text).toContain("Etsy #4100000009");
    expect(prepared[0]!.text).toMatch(/[ぁ-んァ-ン]/); // Japanese, the buyer's language
    // Written for Etsy: no invitation to reply by e-mail.
    expect(prepared[0]!.text).not.toContain("メール");
    expect(prepared[0]!.text).toContain("このメッセージにご返信ください");
    const conversation = await db().conversation.findUniqueOrThrow({ where: { id: prepared[0]!.conversationId } });
    expect(conversation).toMatchObject({ channel: "etsy", orderId });
    // Running the scan's reaction again prepares nothing new.
    await evaluateOrderAndNotify(db(), shop, orderId, new Date());
    expect(await db().message.count({ where: { shop, channel: "etsy", status: "to_send" } })).toBe(1);
  });

  it("obeys 429 and retry-after: waits the seconds Etsy gives, then goes on", async () => {
    const shop = "jp.myshopify.com";
    const from = etsy.requests.length;
    etsy.force429(2, 1);
    const result = await pollEtsyShop(db(), deps, shop);
    expect(result.status).toBe("polled");
    const seen = etsy.requests.slice(from);
    expect(seen.map((r) => r.status).slice(0, 3)).toEqual([429, 429, 200]);
    // Each retry came only after the retry-after (1 s) had passed, as the stand-in saw it.
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(1000);
  });

  it("never sends more than 10 requests in a second, with two pollers sharing the app's limiter", async () => {
    const created = nowS() - DAY;
    for (const seller of [BUSY_SELLER, BUSY_SELLER_2])
      for (let n = 0; n < 45; n++)
        etsy.putReceipt(
          seller.shopId,
          etsyReceipt({
            receiptId: seller.shopId * 1000 + n,
            sellerUserId: seller.userId,
            buyerUserId: 9000 + n,
            buyerName: `Buyer ${n}`,
            country: "US",
            currency: "USD",
            divisor: 100,
            createdAt: created + n,
            items: [{ transactionId: seller.shopId * 1000 + n, listingId: 5, title: "Pin", quantity: 1, price: 500 }],
          }),
        );
    await link("busy-1.myshopify.com", BUSY_SELLER.userId);
    await link("busy-2.myshopify.com", BUSY_SELLER_2.userId);
    // Two processes: each its own client and limiter object, one shared budget in Redis.
    const other = depsWith();
    const from = etsy.requests.length;
    const [one, two] = await Promise.all([
      pollEtsyShop(db(), deps, "busy-1.myshopify.com", { pageSize: 3 }),
      pollEtsyShop(db(), other, "busy-2.myshopify.com", { pageSize: 3 }),
    ]);
    expect(one).toMatchObject({ status: "polled", receipts: 45, pages: 15 });
    expect(two).toMatchObject({ status: "polled", receipts: 45, pages: 15 });
    const seen = etsy.requests.slice(from);
    expect(seen.length).toBeGreaterThanOrEqual(30);
    expect(seen.filter((r) => r.status === 429)).toEqual([]);
    const busiest = createEtsyStandInWindow(seen);
    expect(busiest).toBeLessThanOrEqual(10);
    expect(etsy.busiestWindow(1000)).toBeLessThanOrEqual(10);
    expect(await db().order.count({ where: { shop: { startsWith: "busy-" }, source: "etsy" } })).toBe(90);
  });

  it("a receipt changed while the poll reads its pages makes no other receipt fall between two pages", async () => {
    const created = nowS() - 3 * DAY;
    const receipt = (n: number, updatedAt = created + n) =>
      etsyReceipt({
        receiptId: DRIFT_SELLER.shopId * 1000 + n,
        sellerUserId: DRIFT_SELLER.userId,
        buyerUserId: 9500 + n,
        buyerName: `Drift ${n}`,
        country: "US",
        currency: "USD",
        divisor: 100,
        createdAt: created + n,
        updatedAt,
        items: [
          { transactionId: DRIFT_SELLER.shopId * 1000 + n, listingId: 6, title: "Card", quantity: 1, price: 300 },
        ],
      });
    for (let n = 0; n < 9; n++) etsy.putReceipt(DRIFT_SELLER.shopId, receipt(n));
    await link("drift.myshopify.com", DRIFT_SELLER.userId);
    // Right after the first page, the buyer of an already-read receipt changes it: it moves to the end.
    etsy.onReceiptsPage((shopId, served) => {
      if (shopId === DRIFT_SELLER.shopId && served === 1)
        etsy.putReceipt(shopId, { ...receipt(1, created + 500), message_from_buyer: "changed" });
    });
    try {
      await pollEtsyShop(db(), deps, "drift.myshopify.com", { pageSize: 3 });
    } finally {
      etsy.onReceiptsPage(null);
    }
    const ids = (await db().order.findMany({ where: { shop: "drift.myshopify.com" }, select: { id: true } })).map(
      (o) => o.id,
    );
    expect(ids.sort()).toEqual(Array.from({ length: 9 }, (_, n) => `etsy:${DRIFT_SELLER.shopId * 1000 + n}`).sort());
    const changed = await db().order.findUniqueOrThrow({
      where: { shop_id: { shop: "drift.myshopify.com", id: `etsy:${DRIFT_SELLER.shopId * 1000 + 1}` } },
    });
    expect(changed.buyerNote).toBe("changed");
    expect((await db().etsyLink.findUniqueOrThrow({ where: { shop: "drift.myshopify.com" } })).pollCursor).toBe(
      created + 500,
    );
  });

  it("a retry-after too long for the job, or the day's budget spent, ends the poll quietly for the next one", async () => {
    const shop = "jp.myshopify.com";
    // Each in a key space of its own: the hold Etsy asks for must not stop the other tests.
    const own = (name: string, limits = { perSecond: 10, perDay: 10_000, windowMs: 1_050 }) =>
      depsWith({
        api: createEtsyApi(
          settings,
          redisEtsyLimiter(redis, () => `${keySpace}:${name}`, settings.apiKey, limits),
        ),
      });
    const cursor = (await db().etsyLink.findUniqueOrThrow({ where: { shop } })).pollCursor;
    etsy.force429(1, 3600);
    expect(await pollEtsyShop(db(), own("long-wait"), shop)).toEqual({ status: "skipped", reason: "rate_limited" });
    etsy.force429(0, 1);
    const held = await db().etsyLink.findUniqueOrThrow({ where: { shop } });
    expect(held.lastError).toMatch(/429/);
    expect(held.pollCursor).toBe(cursor);
    // The day's budget already spent (by this app's other processes): no request goes out at all.
    const spent = own("budget", { perSecond: 10, perDay: 0, windowMs: 1_050 });
    const before = etsy.requests.length;
    const result = await pollEtsyShop(db(), spent, shop);
    expect(result).toEqual({ status: "skipped", reason: "rate_limited" });
    expect(etsy.requests.length).toBe(before);
    expect((await db().etsyLink.findUniqueOrThrow({ where: { shop } })).lastError).toMatch(/daily request budget/);
    // The next poll within the limits clears the error.
    expect(await pollEtsyShop(db(), deps, shop)).toMatchObject({ status: "polled" });
    expect((await db().etsyLink.findUniqueOrThrow({ where: { shop } })).lastError).toBeNull();
  });

  it("a refused refresh marks the link for reconnect and loses no mirrored order", async () => {
    const shop = "us.myshopify.com";
    const orders = await db().order.count({ where: { shop } });
    expect(orders).toBeGreaterThan(0);
    etsy.revokeRefreshTokens(US_SELLER.userId);
    etsy.revokeAccessTokens(US_SELLER.userId);
    // The access token is near its end: the poll must refresh, and Etsy refuses.
    await db().etsyLink.update({ where: { shop }, data: { accessExpiresAt: new Date(Date.now() + 60_000) } });
    const result = await pollEtsyShop(db(), deps, shop);
    expect(result).toEqual({ status: "skipped", reason: "reconnect" });
    const row = await db().etsyLink.findUniqueOrThrow({ where: { shop } });
    expect(row.status).toBe("reconnect");
    expect(row.lastError).toMatch(/invalid_grant/);
    expect(await db().order.count({ where: { shop } })).toBe(orders);
    expect(await etsyLinkView(db(), shop, true)).toMatchObject({
      linked: true,
      status: "reconnect",
      etsyShopName: US_SELLER.shopName,
      etsyOrders: orders,
    });
    // Connecting again restores the link where it was (same cursor, status connected).
    await link(shop, US_SELLER.userId);
    const again = await db().etsyLink.findUniqueOrThrow({ where: { shop } });
    expect(again).toMatchObject({ status: "connected", lastError: null, pollCursor: row.pollCursor });
  });

  it("the callback's answers and the card's actions: a bad state 400, an unknown intent 400, Etsy not set up 409; disconnect keeps the orders", async () => {
    const shop = "us.myshopify.com";
    const bad = await etsyCallback(db(), new URL("http://app.test/etsy/callback?state=forged&code=abc"), deps);
    expect(bad).toEqual({ ok: false, status: 400, reason: "state_unknown" });
    const declined = await etsyLinkAction(db(), "declined.myshopify.com", "connect", deps);
    expect(declined.ok && declined.intent === "connect").toBe(true);
    const state = new URL((declined as { authorizeUrl: string }).authorizeUrl).searchParams.get("state")!;
    const no = await etsyCallback(
      db(),
      new URL(`http://app.test/etsy/callback?state=${state}&error=access_denied`),
      deps,
    );
    expect(no).toEqual({ ok: false, status: 400, reason: "denied" });
    expect(await db().etsyLink.count({ where: { shop: "declined.myshopify.com" } })).toBe(0);

    expect(await etsyLinkAction(db(), shop, "refund-everything", deps)).toMatchObject({ ok: false, status: 400 });
    expect(await etsyLinkAction(db(), shop, "connect", null)).toMatchObject({
      ok: false,
      status: 409,
      reason: "not_configured",
    });
    const connect = await etsyLinkAction(db(), shop, "connect", deps);
    const { code, state: own } = await consent((connect as { authorizeUrl: string }).authorizeUrl, US_SELLER.userId);
    const good = await etsyCallback(db(), new URL(`http://app.test/etsy/callback?state=${own}&code=${code}`), deps);
    expect(good).toEqual({
      ok: true,
      status: 200,
      etsyShopName: US_SELLER.shopName,
      shop,
      standalone: false,
      email: null,
    });
    expect(await linkedEtsyShops(db())).toContain(shop);
    // A Shopify store that uninstalled Kizuna is not polled any more.
    await db().shop.update({ where: { domain: "busy-2.myshopify.com" }, data: { uninstalledAt: new Date() } });
    expect(await linkedEtsyShops(db())).not.toContain("busy-2.myshopify.com");
    expect(await linkedEtsyShops(db())).toContain("busy-1.myshopify.com");

    const orders = await db().order.count({ where: { shop, source: "etsy" } });
    expect(await etsyLinkAction(db(), shop, "disconnect", deps)).toEqual({
      ok: true,
      intent: "disconnect",
      disconnected: true,
    });
    expect(await db().etsyLink.count({ where: { shop } })).toBe(0);
    expect(await db().order.count({ where: { shop, source: "etsy" } })).toBe(orders);
    expect(await linkedEtsyShops(db())).not.toContain(shop);
  });
});

/** The most requests within any 1,000 ms, from arrival times. */
function createEtsyStandInWindow(requests: { at: number }[]): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < requests.length; end++) {
    while (requests[end]!.at - requests[start]!.at >= 1000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
