// Shopify's hold webhooks name the fulfillment order, not its order. A hold on
// a fulfillment order the mirror already links keeps that link; one it has
// never linked is linked through the Admin API (the sandbox's emulator), so
// the on-hold rule sees it at once instead of after the daily reconciliation.
import { expect, it } from "vitest";
import { evaluateOrder } from "../../app/delays/index.server.ts";
import { projectEvent } from "../../app/mirror/project-event.server.ts";
import { orderOfFulfillmentOrder } from "../../app/sync/link-fulfillment-order.server.ts";
import { parsePayload } from "../../app/webhooks/payload.server.ts";
import { fulfillmentOrderHoldPayload } from "../../sandbox/webhooks/payloads.ts";
import { useBackfilledSandbox } from "../support/backfilled-sandbox.ts";
import { describeEachDatabase } from "../support/databases.ts";
import type { JsonObject } from "../../app/webhooks/payload.server.ts";

const SHOP = "kizuna-holds.myshopify.com";

describeEachDatabase("the order of a held fulfillment order", (provider) => {
  const backfilled = useBackfilledSandbox(provider, SHOP);

  it("keeps the known order for a hold webhook, and asks Shopify for an unknown one", async () => {
    const { sandbox, database, api } = backfilled;
    const db = database.db;
    const data = sandbox.store.shop(SHOP)!;
    const held = [...data.fulfillmentOrders.values()].find((fulfillmentOrder) => fulfillmentOrder.holds.length > 0);
    expect(held).toBeDefined();
    const hold = () => ({
      shop: SHOP,
      topic: "fulfillment_orders/placed_on_hold" as const,
      payload: parsePayload(fulfillmentOrderHoldPayload(sandbox.store, SHOP, held!.id)) as JsonObject,
      triggeredAt: new Date(),
    });

    // Linked by the backfill: the webhook's projection names the order although its payload does not.
    expect((await projectEvent(db, hold())).orderId).toBe(held!.orderId);

    // A fulfillment order the mirror never linked (a new order's, before any reconciliation).
    await db.fulfillmentOrder.updateMany({ where: { shop: SHOP, id: held!.id }, data: { orderId: null } });
    await db.delayCase.deleteMany({ where: { shop: SHOP } });
    expect((await projectEvent(db, hold())).orderId).toBeNull();
    // Without the Admin API there is nothing to ask.
    expect(await orderOfFulfillmentOrder(db, null, SHOP, held!.id)).toBeNull();

    expect(await orderOfFulfillmentOrder(db, api, SHOP, held!.id)).toBe(held!.orderId);
    const linked = await db.fulfillmentOrder.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: held!.id } } });
    expect(linked.orderId).toBe(held!.orderId);
    const changes = await evaluateOrder(db, SHOP, held!.orderId);
    expect(changes.opened.map((opened) => opened.rule)).toContain("on_hold");
  });
});
