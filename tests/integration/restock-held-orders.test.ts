// Restock serves held orders first, on both databases: stock that comes back
// for a variant an order on hold is waiting for (INVENTORY_OUT_OF_STOCK) does
// not go to subscribers until the hold is released; then the wave tells them
// with what is left. The seller can also tell subscribers anyway.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import type { Db } from "../../app/db.server.ts";
import { runWave, startEpisodeIfRestocked } from "../../app/restock/episodes.server.ts";
import { ordersHeldFor, resumeWaitingEpisodes } from "../../app/restock/held-orders.server.ts";
import { recordInstall } from "../../app/shops/record-install.server.ts";
import type { RestockSubscription } from "../../app/restock/types.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "kizuna-held.myshopify.com";
const NOW = new Date("2026-11-20T00:00:00Z");

describeEachDatabase("restock serves held orders first", (provider) => {
  let database: TestDatabase;
  let db: Db;
  let told: string[];
  const notify = async (subscription: RestockSubscription) => void told.push(subscription.email ?? "");
  let seq = 0;

  /** A sold-out variant with `subscribers` waiting and an order on hold for `heldUnits` of it. */
  async function heldVariant(subscribers: number, heldUnits: number, reason = "INVENTORY_OUT_OF_STOCK") {
    seq += 1;
    const variantId = `70${seq}`;
    const item = `80${seq}`;
    const orderId = `90${seq}`;
    await db.variant.create({ data: { shop: SHOP, id: variantId, productId: "1", inventoryItemId: item } });
    await db.inventoryLevel.create({ data: { shop: SHOP, inventoryItemId: item, locationId: "1", available: 0 } });
    await db.restockSubscription.createMany({
      data: Array.from({ length: subscribers }, (_, i) => ({
        shop: SHOP,
        variantId,
        email: `waiting${seq}-${i}@example.com`,
        locale: "en",
        createdAt: new Date(NOW.getTime() - (subscribers - i) * 60_000),
      })),
    });
    await db.order.create({
      data: {
        shop: SHOP,
        id: orderId,
        name: `#10${seq}`,
        currency: "JPY",
        totalPrice: "2400",
        fulfillmentStatus: "UNFULFILLED",
        shopifyCreatedAt: new Date(NOW.getTime() - 3 * 86_400_000),
        shopifyUpdatedAt: NOW,
      },
    });
    await db.lineItem.create({
      data: { shop: SHOP, id: `li${seq}`, orderId, variantId, title: "Indigo mug", quantity: heldUnits, price: "1200" },
    });
    await db.fulfillmentOrder.create({
      data: {
        shop: SHOP,
        id: `fo${seq}`,
        orderId,
        status: "ON_HOLD",
        holds: JSON.stringify([{ reason, reasonNotes: "next kiln firing" }]),
      },
    });
    const setStock = (available: number) =>
      db.inventoryLevel.updateMany({ where: { shop: SHOP, inventoryItemId: item }, data: { available } });
    const releaseHold = () =>
      db.fulfillmentOrder.update({
        where: { shop_id: { shop: SHOP, id: `fo${seq}` } },
        data: { status: "OPEN", holds: "[]" },
      });
    return { variantId, item, orderId, setStock, releaseHold };
  }

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
    await recordInstall(db, SHOP, null);
    await db.product.create({ data: { shop: SHOP, id: "1", title: "Indigo mug" } });
    await db.shopSettings.create({ data: { shop: SHOP, restockPerUnit: 1 } });
  });
  beforeEach(() => {
    told = [];
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("waits for the held order, then tells subscribers with the stock that is left", async () => {
    const mug = await heldVariant(5, 2);
    await mug.setStock(3);
    const [episode] = await startEpisodeIfRestocked(db, SHOP, mug.item, NOW);
    expect(episode).toMatchObject({ variantId: mug.variantId, status: "waiting_for_orders" });
    expect(await ordersHeldFor(db, SHOP, mug.variantId)).toEqual([
      { orderId: mug.orderId, name: expect.stringMatching(/^#10/), quantity: 2 },
    ]);
    // No wave while the order waits, and no second episode either.
    expect(await runWave(db, SHOP, episode!.id, notify, NOW)).toMatchObject({ due: false, notified: 0 });
    expect(told).toEqual([]);
    expect(await startEpisodeIfRestocked(db, SHOP, mug.item, NOW)).toEqual([]);
    // Still held: nothing resumes.
    expect(await resumeWaitingEpisodes(db, SHOP, { orderId: mug.orderId, now: NOW })).toEqual([]);

    // The seller releases the hold and ships the order: 1 unit is left for subscribers.
    await mug.releaseHold();
    await mug.setStock(1);
    const [resumed] = await resumeWaitingEpisodes(db, SHOP, { orderId: mug.orderId, now: NOW });
    expect(resumed).toMatchObject({ id: episode!.id, status: "running", availableAtStart: 1 });
    await runWave(db, SHOP, episode!.id, notify, NOW);
    expect(told).toEqual([`waiting${seq}-0@example.com`]);
  });

  it("ends sold out when the held orders took all the stock", async () => {
    const mug = await heldVariant(2, 3);
    await mug.setStock(3);
    const [episode] = await startEpisodeIfRestocked(db, SHOP, mug.item, NOW);
    await mug.releaseHold();
    await mug.setStock(0);
    expect(await resumeWaitingEpisodes(db, SHOP, { orderId: mug.orderId, now: NOW })).toEqual([]);
    expect(await db.restockEpisode.findUniqueOrThrow({ where: { id: episode!.id } })).toMatchObject({
      status: "sold_out",
    });
  });

  it("the seller may tell subscribers anyway; a hold for another reason does not wait", async () => {
    const mug = await heldVariant(3, 1);
    await mug.setStock(2);
    const [episode] = await startEpisodeIfRestocked(db, SHOP, mug.item, NOW);
    const [forced] = await resumeWaitingEpisodes(db, SHOP, { episodeId: episode!.id, force: true, now: NOW });
    expect(forced).toMatchObject({ status: "running", availableAtStart: 2 });

    const address = await heldVariant(3, 1, "INCORRECT_ADDRESS");
    await address.setStock(2);
    const [running] = await startEpisodeIfRestocked(db, SHOP, address.item, NOW);
    expect(running).toMatchObject({ status: "running" });
  });
});
