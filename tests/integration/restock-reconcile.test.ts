// Shopify does not guarantee inventory_levels/update. Stock changes in the
// sandbox store without any webhook; the periodic reconciliation reads it
// through the Admin API emulator and starts the episode the webhook would have.
import { ordersHeldFor } from "../../app/restock/held-orders.server.ts";
import { expect, it } from "vitest";
import { reconcileInventory } from "../../app/restock/reconcile-inventory.server.ts";
import { startEpisodeIfRestocked } from "../../app/restock/episodes.server.ts";
import { adjustInventory } from "../../sandbox/store/catalogue.ts";
import { useBackfilledSandbox } from "../support/backfilled-sandbox.ts";
import { describeEachDatabase } from "../support/databases.ts";

const SHOP = "kizuna-demo.myshopify.com";

describeEachDatabase("restock reconciliation", (provider) => {
  const backfilled = useBackfilledSandbox(provider, SHOP);

  it("starts an episode for a variant restocked without a webhook", async () => {
    const { sandbox, database, api } = backfilled;
    const data = sandbox.store.shop(SHOP)!;
    const soldOut = [...data.variants.values()].filter((variant) =>
      data.levelsOfItem(variant.inventoryItemId).every((level) => level.available <= 0),
    );
    expect(soldOut.length).toBeGreaterThan(0);
    const variant = soldOut[0]!;
    const db = database.db;
    expect(await db.variant.count({ where: { shop: SHOP, id: variant.id } })).toBe(1);
    await db.restockSubscription.create({
      data: { shop: SHOP, variantId: variant.id, email: "waiting@example.com", locale: "ja" },
    });

    // Still sold out: reconciliation reads the stock and starts nothing.
    expect((await reconcileInventory(db, SHOP, api)).started).toEqual([]);

    const level = data.levelsOfItem(variant.inventoryItemId)[0]!;
    adjustInventory(data, [{ inventoryItemId: variant.inventoryItemId, locationId: level.locationId, delta: 4 }]);
    // The mirror has not heard of it (no webhook): the event-driven path sees nothing.
    expect(await startEpisodeIfRestocked(db, SHOP, variant.inventoryItemId)).toEqual([]);

    const summary = await reconcileInventory(db, SHOP, api);
    expect(summary.variants).toBe(1);
    expect(summary.levels).toBeGreaterThan(0);
    expect(summary.started).toHaveLength(1);
    // The demo shop's sold-out mug has an order on hold waiting for it: that order comes first.
    const held = await ordersHeldFor(db, SHOP, variant.id);
    expect(summary.started[0]).toMatchObject({
      variantId: variant.id,
      status: held.length > 0 ? "waiting_for_orders" : "running",
    });
    expect(summary.started[0]!.availableAtStart).toBeGreaterThanOrEqual(4);
    // Running it again does not start a second episode.
    expect((await reconcileInventory(db, SHOP, api)).started).toEqual([]);
    expect(await db.restockEpisode.count({ where: { shop: SHOP, variantId: variant.id } })).toBe(1);
  });
});
