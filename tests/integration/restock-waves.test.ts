// Restock episodes and waves on a real database: oldest first, waves sized to
// stock x ratio, stock re-checked before each wave, everyone told once per
// episode — also when two workers run the same wave at once — and attribution.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import type { Db } from "../../app/db.server.ts";
import { attributeOrder } from "../../app/restock/attribute-order.server.ts";
import { recordInstall } from "../../app/shops/record-install.server.ts";
import { runWave, startEpisodeIfRestocked } from "../../app/restock/episodes.server.ts";
import { findSuppression, suppress } from "../../app/notices/suppression.server.ts";
import { restockReport } from "../../app/restock/restock-report.server.ts";
import { subscribeToRestock } from "../../app/restock/subscribe.server.ts";
import type { RestockEpisode, RestockSubscription } from "../../app/restock/types.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "kizuna-waves.myshopify.com";
const T0 = new Date("2026-11-01T00:00:00Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

interface Call {
  subscription: RestockSubscription;
  episode: RestockEpisode;
}

describeEachDatabase("restock episodes and waves", (provider) => {
  let database: TestDatabase;
  let db: Db;
  let calls: Call[];
  const notify = async (subscription: RestockSubscription, episode: RestockEpisode) => {
    calls.push({ subscription, episode });
  };
  let nextVariant = 100;

  async function variantWithSubscribers(count: number, stock = 0): Promise<{ variantId: string; item: string }> {
    nextVariant += 1;
    const variantId = String(nextVariant);
    const item = `9${variantId}`;
    await db.variant.create({ data: { shop: SHOP, id: variantId, productId: "1", inventoryItemId: item } });
    await db.inventoryLevel.create({ data: { shop: SHOP, inventoryItemId: item, locationId: "1", available: stock } });
    await db.restockSubscription.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        shop: SHOP,
        variantId,
        email: `shopper${i}@example.com`,
        locale: "ja",
        // Signed up in reverse id order, so "oldest first" is by time, not by id.
        createdAt: minutes(count - i),
      })),
    });
    return { variantId, item };
  }

  const setStock = (item: string, available: number) =>
    db.inventoryLevel.updateMany({ where: { shop: SHOP, inventoryItemId: item }, data: { available } });
  const emails = () => calls.map((call) => call.subscription.email);

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
    // Waves run only for an installed shop.
    await recordInstall(db, SHOP, null);
    await db.product.create({ data: { shop: SHOP, id: "1", title: "Hinoki soap" } });
    await db.shopSettings.create({ data: { shop: SHOP, restockPerUnit: 2 } });
  });
  beforeEach(() => {
    calls = [];
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("starts one episode when stock comes back, tells the 6 oldest for 3 units x 2, stops when sold out", async () => {
    const { variantId, item } = await variantWithSubscribers(10);
    expect(await startEpisodeIfRestocked(db, SHOP, item, minutes(100))).toEqual([]);
    await setStock(item, 3);
    const [episode] = await startEpisodeIfRestocked(db, SHOP, item, minutes(100));
    expect(episode).toMatchObject({ variantId, status: "running", availableAtStart: 3 });
    // One running episode per variant, whichever id the event names.
    expect(await startEpisodeIfRestocked(db, SHOP, variantId, minutes(101))).toEqual([]);

    const first = await runWave(db, SHOP, episode!.id, notify, minutes(102));
    expect(first).toEqual({ due: true, notified: 6, status: "running" });
    expect(emails()).toEqual([9, 8, 7, 6, 5, 4].map((i) => `shopper${i}@example.com`));

    await setStock(item, 0);
    expect(await runWave(db, SHOP, episode!.id, notify, minutes(110))).toEqual({
      due: false,
      notified: 0,
      status: "sold_out",
    });
    expect(calls).toHaveLength(6);
    const ended = await db.restockEpisode.findUniqueOrThrow({ where: { id: episode!.id } });
    expect(ended).toMatchObject({ status: "sold_out", notified: 6 });
    expect(await db.restockAlert.count({ where: { episodeId: episode!.id } })).toBe(6);

    // Next restock: a new episode for the 4 still waiting, 1 unit x 2 per wave.
    await setStock(item, 1);
    const [second] = await startEpisodeIfRestocked(db, SHOP, item, minutes(200));
    expect(second!.id).not.toBe(episode!.id);
    calls = [];
    expect(await runWave(db, SHOP, second!.id, notify, minutes(201))).toMatchObject({ due: true, notified: 2 });
    expect(await runWave(db, SHOP, second!.id, notify, minutes(202))).toMatchObject({ due: true, notified: 2 });
    expect(await runWave(db, SHOP, second!.id, notify, minutes(203))).toEqual({
      due: false,
      notified: 0,
      status: "done",
    });
    expect(emails()).toEqual([3, 2, 1, 0].map((i) => `shopper${i}@example.com`));
    // Everyone was told: no new episode starts while nobody waits.
    expect(await startEpisodeIfRestocked(db, SHOP, item, minutes(300))).toEqual([]);
  });

  it("a shopper who unsubscribes or texts STOP leaves the waves; signing up again brings them back", async () => {
    const { variantId, item } = await variantWithSubscribers(4);
    await db.restockSubscription.updateMany({
      where: { shop: SHOP, variantId, email: "shopper3@example.com" },
      data: { phone: "+819012345678", smsConsent: true },
    });
    // shopper3 (the oldest) unsubscribes from the shop's marketing mail and texts STOP.
    await suppress(db, SHOP, "email", "Shopper3@Example.com", "marketing", "unsubscribed");
    await suppress(db, SHOP, "sms", "+81 90-1234-5678", "all", "sms_stop");
    const left = await db.restockSubscription.findFirstOrThrow({ where: { variantId, email: "shopper3@example.com" } });
    expect(left.unsubscribedAt).not.toBeNull();
    expect(left.smsConsent).toBe(false);
    expect((await restockReport(db, SHOP)).variants.find((row) => row.variantId === variantId)?.waiting).toBe(3);

    // The wave's places go to those still waiting: 1 unit x 2 = the two oldest of them.
    await setStock(item, 1);
    const [episode] = await startEpisodeIfRestocked(db, SHOP, item, minutes(100));
    await runWave(db, SHOP, episode!.id, notify, minutes(101));
    expect(emails()).toEqual(["shopper2@example.com", "shopper1@example.com"]);

    // A new signup puts them back on the list; the marketing unsubscribe stands until the
    // confirmation mail's link is used (tests/integration/restock-confirm.test.ts), STOP too.
    await setStock(item, 0);
    await subscribeToRestock(
      db,
      {
        shop: SHOP,
        variantId,
        productId: "1",
        email: "shopper3@example.com",
        phone: null,
        smsConsent: false,
        locale: "ja",
        customerId: null,
      },
      null,
      minutes(120),
    );
    expect(await findSuppression(db, SHOP, "email", "shopper3@example.com", false)).toBe("unsubscribed");
    expect(await findSuppression(db, SHOP, "sms", "+819012345678", false)).toBe("sms_stop");
    const back = await db.restockSubscription.findFirstOrThrow({ where: { variantId, email: "shopper3@example.com" } });
    expect(back.unsubscribedAt).toBeNull();
  });

  it("tells each subscriber once per episode when two workers run waves at the same time", async () => {
    const { item } = await variantWithSubscribers(25, 0);
    await setStock(item, 5);
    const started = await Promise.all([
      startEpisodeIfRestocked(db, SHOP, item, minutes(1)),
      startEpisodeIfRestocked(db, SHOP, item, minutes(1)),
    ]);
    expect(started.flat()).toHaveLength(1);
    const episode = started.flat()[0]!;
    for (let round = 0; round < 4; round++) {
      await Promise.all([
        runWave(db, SHOP, episode.id, notify, minutes(10 + round)),
        runWave(db, SHOP, episode.id, notify, minutes(10 + round)),
        runWave(db, SHOP, episode.id, notify, minutes(10 + round)),
      ]);
    }
    const ids = calls.map((call) => call.subscription.id);
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
    const final = await db.restockEpisode.findUniqueOrThrow({ where: { id: episode.id } });
    expect(final).toMatchObject({ status: "done", notified: 25 });
  });

  it("releases the claim of a failed notify so a retry tells that subscriber", async () => {
    const { item } = await variantWithSubscribers(3, 0);
    await setStock(item, 10);
    const [episode] = await startEpisodeIfRestocked(db, SHOP, item, minutes(1));
    const flaky = async (subscription: RestockSubscription, ep: RestockEpisode) => {
      if (subscription.email === "shopper1@example.com") throw new Error("SMTP down");
      await notify(subscription, ep);
    };
    await expect(runWave(db, SHOP, episode!.id, flaky, minutes(2))).rejects.toThrow("SMTP down");
    expect(calls).toHaveLength(2);
    expect(await db.restockAlert.count({ where: { episodeId: episode!.id } })).toBe(2);
    expect(await runWave(db, SHOP, episode!.id, notify, minutes(3))).toEqual({
      due: false,
      notified: 1,
      status: "done",
    });
    expect(emails()).toEqual(["shopper2@example.com", "shopper0@example.com", "shopper1@example.com"]);
  });

  it("attributes a purchase within 7 days of the alert, once, with exact revenue", async () => {
    const { variantId, item } = await variantWithSubscribers(2, 0);
    await setStock(item, 4);
    const [episode] = await startEpisodeIfRestocked(db, SHOP, item, minutes(5));
    await runWave(db, SHOP, episode!.id, notify, minutes(5));
    const order = (id: string, email: string, createdAt: Date, cancelled = false) =>
      db.order.create({
        data: {
          shop: SHOP,
          id,
          name: `#${id}`,
          email,
          currency: "JPY",
          totalPrice: "0",
          shopifyCreatedAt: createdAt,
          shopifyUpdatedAt: createdAt,
          cancelledAt: cancelled ? createdAt : null,
        },
      });
    const line = (id: string, orderId: string, price: string, quantity: number, variant = variantId) =>
      db.lineItem.create({ data: { shop: SHOP, id, orderId, variantId: variant, title: "Soap", price, quantity } });

    await order("7001", "Shopper0@Example.com", minutes(60 * 24 * 3));
    await line("8001", "7001", "1200.50", 2);
    await line("8002", "7001", "0.25", 1);
    await line("8003", "7001", "999", 1, "555");
    expect(await attributeOrder(db, SHOP, "7001")).toEqual([
      expect.objectContaining({ variantId, episodeId: episode!.id, revenue: "2401.25" }),
    ]);
    // Again: same answer, nothing doubled; a second order cannot take the same alert.
    expect(await attributeOrder(db, SHOP, "7001")).toHaveLength(1);
    await order("7002", "shopper0@example.com", minutes(60 * 24 * 4));
    await line("8004", "7002", "1200", 1);
    expect(await attributeOrder(db, SHOP, "7002")).toEqual([]);
    // Too late (8 days) or somebody else: not attributed.
    await order("7003", "shopper1@example.com", minutes(60 * 24 * 8));
    await line("8005", "7003", "1200", 1);
    expect(await attributeOrder(db, SHOP, "7003")).toEqual([]);
    await order("7004", "stranger@example.com", minutes(60));
    await line("8006", "7004", "1200", 1);
    expect(await attributeOrder(db, SHOP, "7004")).toEqual([]);

    const alerts = await db.restockAlert.findMany({ where: { episodeId: episode!.id, orderId: { not: null } } });
    expect(alerts.map((a) => [a.orderId, a.revenue])).toEqual([["7001", "2401.25"]]);
    const report = await restockReport(db, SHOP);
    expect(report.variants.find((v) => v.variantId === variantId)).toMatchObject({
      waiting: 0,
      sent: 2,
      converted: 1,
      revenue: "2401.25",
      productTitle: "Hinoki soap",
    });
    expect(report.episodes.length).toBeGreaterThan(0);
  });
});
