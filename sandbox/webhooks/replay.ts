// A whole shop as the webhooks Shopify would have sent while it came to be:
// customers, products, stock, then each order with its parcels, carrier scans,
// holds, returns and refunds — each payload describing the record as it is now.
// Event ids are derived from the record and its version, so replaying the same
// shop twice sends the same events (and the app keeps one of each).
import { createHash } from "node:crypto";
import type { Id, SandboxStore } from "../store/index.ts";
import {
  customerPayload,
  fulfillmentEventPayload,
  fulfillmentOrderHoldPayload,
  fulfillmentPayload,
  inventoryLevelPayload,
  orderPayload,
  productPayload,
  refundPayload,
  returnHistoryTopics,
  returnPayload,
} from "./payloads.ts";
import { ALL_TOPICS } from "../../app/webhooks/topics.ts";
import type { SandboxConfig } from "../http.ts";
import { deliverWebhooks, type DeliveryPlan, type DeliveryRecord } from "./emitter.ts";
import type { WebhookToSend } from "./send-webhook.ts";

/** A stable UUID-shaped id for one version of one record's event. */
export function replayEventId(shop: string, topic: string, id: Id, version: Date): string {
  const hex = createHash("sha256").update(`${shop}|${topic}|${id}|${version.toISOString()}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Every webhook that describes the shop, in the order Shopify would have sent them (subscribed topics only). */
export function shopWebhooks(store: SandboxStore, shop: string): WebhookToSend[] {
  const data = store.requireShop(shop);
  const webhooks: WebhookToSend[] = [];
  const add = (topic: string, id: Id, version: Date, body: string) =>
    webhooks.push({ topic, shop, body, eventId: replayEventId(shop, topic, id, version), triggeredAt: version });

  for (const customer of data.customers.values()) {
    add(
      "customers/create",
      customer.id,
      customer.updatedAt,
      customerPayload(store, shop, customer.id, { topic: "customers/create" }),
    );
  }
  for (const product of data.products.values()) {
    add("products/update", product.id, product.updatedAt, productPayload(store, shop, product.id));
  }
  for (const level of data.inventoryLevels.values()) {
    const body = inventoryLevelPayload(store, shop, level.inventoryItemId, level.locationId);
    add("inventory_levels/update", `${level.inventoryItemId}@${level.locationId}`, level.updatedAt, body);
  }
  const orders = [...data.orders.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  for (const order of orders) {
    add("orders/create", order.id, order.updatedAt, orderPayload(store, shop, order.id, { topic: "orders/create" }));
    for (const fulfillmentOrder of data.fulfillmentOrdersOf(order.id)) {
      if (fulfillmentOrder.status !== "ON_HOLD") continue;
      const body = fulfillmentOrderHoldPayload(store, shop, fulfillmentOrder.id);
      add("fulfillment_orders/placed_on_hold", fulfillmentOrder.id, fulfillmentOrder.updatedAt, body);
    }
    for (const fulfillment of data.fulfillmentsOf(order.id)) {
      const body = fulfillmentPayload(store, shop, fulfillment.id, { topic: "fulfillments/create" });
      add("fulfillments/create", fulfillment.id, fulfillment.updatedAt, body);
      for (const event of data.eventsOf(fulfillment.id)) {
        add("fulfillment_events/create", event.id, event.createdAt, fulfillmentEventPayload(store, shop, event.id));
      }
    }
    for (const ret of data.returnsOf(order.id)) {
      for (const topic of returnHistoryTopics(ret)) {
        add(topic, ret.id, ret.updatedAt, returnPayload(store, shop, ret.id, { topic }));
      }
    }
    for (const refund of data.refundsOf(order.id)) {
      add("refunds/create", refund.id, refund.createdAt, refundPayload(store, shop, refund.id));
    }
  }
  // Shopify sends only the topics the app subscribes to.
  return webhooks.filter((webhook) => (ALL_TOPICS as readonly string[]).includes(webhook.topic));
}

/**
 * Sends the whole shop to the app (`${config.appUrl}/webhooks`, signed with
 * its secret), optionally misbehaving as `plan` says (duplicates, reordering,
 * delays, bursts). Resolves with every delivery.
 */
export function replayShop(
  store: SandboxStore,
  config: SandboxConfig,
  shop: string = config.shop,
  plan: DeliveryPlan = {},
): Promise<DeliveryRecord[]> {
  return deliverWebhooks(shopWebhooks(store, shop), {
    url: `${config.appUrl.replace(/\/+$/, "")}/webhooks`,
    secret: config.apiSecret,
    apiVersion: config.apiVersion,
    plan,
  });
}
