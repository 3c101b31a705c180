// What a delay notice says, built by the notice engine from real rows on both
// databases: a notice that asks the customer to act never also says there is
// nothing to do, and says how to act; the seller's own words replace that
// sentence too; the order status page and the parcel's tracking link are in it
// when known; the unsubscribe footer reads as a sentence.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../../app/db.server.ts";
import { evaluateOrderAndNotify, notifyCaseNow, queueNoticeNotifier } from "../../app/delays/index.server.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "delay-words.myshopify.com";
const NOW = new Date("2026-11-18T03:00:00Z");
const DAY = 86_400_000;
const NOTHING_TO_DO_EN = "You don't need to do anything";
const NOTHING_TO_DO_JA = "お手続きは不要です";

let seq = 0;
async function addOrder(db: Db, locale: "en" | "ja", options: { status?: string } = {}) {
  seq += 1;
  const customerId = `c${seq}`;
  const id = `${9_000 + seq}`;
  await db.customer.create({
    data: {
      shop: SHOP,
      id: customerId,
      email: `buyer${seq}@example.com`,
      firstName: locale === "ja" ? "花子" : "Emma",
      lastName: locale === "ja" ? "佐藤" : "Stone",
      locale,
    },
  });
  await db.order.create({
    data: {
      shop: SHOP,
      id,
      name: `#${id}`,
      customerId,
      currency: "JPY",
      totalPrice: "3300",
      fulfillmentStatus: options.status ?? "UNFULFILLED",
      statusUrl: `https://shop.example/orders/${id}/authenticate?key=k${id}`,
      shopifyCreatedAt: new Date(NOW.getTime() - 3 * DAY),
      shopifyUpdatedAt: new Date(NOW.getTime() - DAY),
    },
  });
  return id;
}

async function holdForAddress(db: Db, orderId: string) {
  await db.fulfillmentOrder.create({
    data: {
      shop: SHOP,
      id: `fo${orderId}`,
      orderId,
      status: "ON_HOLD",
      holds: JSON.stringify([{ reason: "INCORRECT_ADDRESS", reasonNotes: null }]),
    },
  });
}

const noticeOf = (db: Db, orderId: string) =>
  db.notice.findFirstOrThrow({ where: { shop: SHOP, orderId, kind: "delay" }, orderBy: { id: "desc" } });

describeEachDatabase("delay notice content", (provider) => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
    await db.shop.create({ data: { domain: SHOP, name: "Tsumugi", timezone: "Asia/Tokyo", currency: "JPY" } });
    await db.shopSettings.create({ data: { shop: SHOP, quietStart: "00:00", quietEnd: "00:00" } });
  });
  afterAll(async () => {
    await database.drop();
  });

  it("an address check asks the customer to reply with the address, never 'nothing to do', with the status page", async () => {
    for (const [locale, nothing, ask] of [
      ["en", NOTHING_TO_DO_EN, "Please reply to this email with your full delivery address"],
      ["ja", NOTHING_TO_DO_JA, "正しいお届け先住所（郵便番号・番地・建物名・部屋番号）をこのメールにご返信ください"],
    ] as const) {
      const orderId = await addOrder(db, locale);
      await holdForAddress(db, orderId);
      await evaluateOrderAndNotify(db, SHOP, orderId, NOW);
      const notice = await noticeOf(db, orderId);
      expect(notice.bodyText).toContain(ask);
      expect(notice.bodyText).not.toContain(nothing);
      expect(notice.bodyText).toContain(`https://shop.example/orders/${orderId}/authenticate?key=k${orderId}`);
      expect(notice.bodyHtml).toContain(
        `<a href="https://shop.example/orders/${orderId}/authenticate?key=k${orderId}">`,
      );
      expect(notice.bodyHtml).not.toContain(nothing);
    }
  });

  it("a late parcel says there is nothing to do, with its tracking link and carrier", async () => {
    const orderId = await addOrder(db, "en", { status: "FULFILLED" });
    await db.fulfillment.create({
      data: {
        shop: SHOP,
        id: `f${orderId}`,
        orderId,
        status: "SUCCESS",
        trackingCompany: "Yamato Transport",
        trackingNumbers: JSON.stringify(["4711-0000-1111"]),
        trackingUrls: JSON.stringify(["https://track.example/4711"]),
        shopifyCreatedAt: new Date(NOW.getTime() - 2.5 * DAY),
      },
    });
    await db.fulfillmentEvent.create({
      data: {
        shop: SHOP,
        id: `e${orderId}`,
        fulfillmentId: `f${orderId}`,
        orderId,
        status: "FAILURE",
        happenedAt: new Date(NOW.getTime() - DAY),
        country: "JP",
      },
    });
    await evaluateOrderAndNotify(db, SHOP, orderId, NOW);
    const notice = await noticeOf(db, orderId);
    expect(notice.bodyText).toContain(NOTHING_TO_DO_EN);
    expect(notice.bodyText).toContain("Track the parcel with Yamato Transport: https://track.example/4711");
    expect(notice.bodyText).toContain("Your order's status page: https://shop.example/orders/");
  });

  it("the seller's own words replace the 'nothing to do' sentence", async () => {
    const orderId = await addOrder(db, "ja");
    await db.fulfillmentOrder.create({
      data: {
        shop: SHOP,
        id: `fo${orderId}`,
        orderId,
        status: "ON_HOLD",
        holds: JSON.stringify([{ reason: "INVENTORY_OUT_OF_STOCK", reasonNotes: null }]),
      },
    });
    await evaluateOrderAndNotify(db, SHOP, orderId, NOW);
    const automatic = await noticeOf(db, orderId);
    expect(automatic.bodyText).toContain(NOTHING_TO_DO_JA);

    const delay = await db.delayCase.findFirstOrThrow({ where: { shop: SHOP, orderId, status: "open" } });
    const words = "色違いでよろしければすぐに発送できます。ご希望をお知らせください。";
    expect(await notifyCaseNow(db, SHOP, delay.id, queueNoticeNotifier(db), words, NOW)).toBe(true);
    const seller = await noticeOf(db, orderId);
    expect(seller.id).not.toBe(automatic.id);
    expect(seller.bodyText).toContain(words);
    expect(seller.bodyText).toContain("理由："); // the reason stays
    expect(seller.bodyText).not.toContain(NOTHING_TO_DO_JA);
  });
});
