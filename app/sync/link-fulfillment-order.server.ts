// Shopify's hold webhooks (fulfillment_orders/placed_on_hold, hold_released)
// name the fulfillment order but not its order, and no order webhook lists an
// order's fulfillment orders: without this, a new order's hold would wait for
// the daily reconciliation before the delay rules saw it.
import type { Db } from "../db.server.ts";
import { FulfillmentOrderOrderQuery } from "../graphql/fulfillment-orders.ts";
import type { AdminApi } from "../shopify/admin-api.server.ts";

interface FulfillmentOrderOrder {
  fulfillmentOrder: { id: string; order: { id: string } | null } | null;
}

/** The order of a mirrored fulfillment order: stored, else asked of the Admin API and stored. */
export async function orderOfFulfillmentOrder(
  db: Db,
  api: AdminApi | null,
  shop: string,
  fulfillmentOrderId: string,
): Promise<string | null> {
  const key = { shop, id: fulfillmentOrderId };
  const row = await db.fulfillmentOrder.findUnique({ where: { shop_id: key }, select: { orderId: true } });
  if (row?.orderId || !api) return row?.orderId ?? null;
  const { data } = await api.request<FulfillmentOrderOrder>(FulfillmentOrderOrderQuery, {
    id: `gid://shopify/FulfillmentOrder/${fulfillmentOrderId}`,
  });
  const orderId = /^gid:\/\/shopify\/Order\/(\d+)$/.exec(data.fulfillmentOrder?.order?.id ?? "")?.[1] ?? null;
  if (orderId) await db.fulfillmentOrder.updateMany({ where: { ...key, orderId: null }, data: { orderId } });
  return orderId;
}
