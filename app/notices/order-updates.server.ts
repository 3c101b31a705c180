// Order updates (optional, off by default where Shopify already notifies):
// shipped, out for delivery, delivered, and a follow-up some days after delivery.
import type { Db } from "../db.server.ts";
import { getShopSettings } from "../settings/shop-settings.server.ts";
import type { NoticeKind } from "./kinds.ts";
import { queueNotice, type QueueNoticeResult } from "./queue-notice.server.ts";

/** Shopify shipment / fulfillment statuses → the notice they may produce. */
const KIND_OF_STATUS: Record<string, NoticeKind> = {
  CONFIRMED: "order_shipped",
  SHIPPED: "order_shipped",
  IN_TRANSIT: "order_shipped",
  SUCCESS: "order_shipped",
  OUT_FOR_DELIVERY: "order_out_for_delivery",
  DELIVERED: "order_delivered",
};

export interface FulfillmentNoticeEvent {
  orderId: string;
  fulfillmentId: string;
  /** A shipment status (IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, …) or fulfillment status (success). */
  status: string;
  /** When delivered, for the follow-up's timing; defaults to now. */
  happenedAt?: Date | null;
}

export interface QueuedOrderNotice {
  kind: NoticeKind;
  result: QueueNoticeResult;
}

function firstOf(json: string | null | undefined): string | null {
  try {
    const value: unknown = JSON.parse(json ?? "[]");
    return Array.isArray(value) && typeof value[0] === "string" ? value[0] : null;
  } catch {
    return null;
  }
}

/** A parcel's carrier and first tracking number and link, as notice variables. */
export function trackingVariables(
  fulfillment: { trackingCompany: string | null; trackingNumbers: string | null; trackingUrls: string | null } | null,
) {
  return {
    carrier: fulfillment?.trackingCompany ?? null,
    trackingNumber: firstOf(fulfillment?.trackingNumbers),
    trackingUrl: firstOf(fulfillment?.trackingUrls),
  };
}

/**
 * Queues the order-update notice for a fulfillment event (and the follow-up after delivery).
 * Returns what was queued; the caller enqueues delivery for each `queued` result.
 */
export async function noticesForFulfillmentEvent(
  db: Db,
  shop: string,
  event: FulfillmentNoticeEvent,
): Promise<QueuedOrderNotice[]> {
  const kind = KIND_OF_STATUS[event.status.trim().toUpperCase()];
  if (!kind) return [];
  const order = await db.order.findUnique({ where: { shop_id: { shop, id: event.orderId } } });
  if (!order || order.cancelledAt) return [];
  const settings = await getShopSettings(db, shop);
  const out: QueuedOrderNotice[] = [];
  if (settings.noticeKinds[kind]) {
    const fulfillment = await db.fulfillment.findUnique({ where: { shop_id: { shop, id: event.fulfillmentId } } });
    const result = await queueNotice(db, {
      shop,
      kind,
      dedupeKey: `${kind}:${event.fulfillmentId}`,
      orderId: order.id,
      customerId: order.customerId,
      variables: trackingVariables(fulfillment),
    });
    out.push({ kind, result });
  }
  if (kind === "order_delivered") {
    const followUp = await scheduleFollowUp(db, shop, {
      orderId: order.id,
      deliveredAt: event.happenedAt ?? new Date(),
    });
    if (followUp) out.push({ kind: "order_followup", result: followUp });
  }
  return out;
}

/**
 * The "how did it go?" follow-up, `followUpDays` after delivery (Notice.sendAfter);
 * one per order. Null when the kind is off.
 */
export async function scheduleFollowUp(
  db: Db,
  shop: string,
  input: { orderId: string; deliveredAt: Date },
): Promise<QueueNoticeResult | null> {
  const settings = await getShopSettings(db, shop);
  if (!settings.noticeKinds.order_followup) return null;
  const order = await db.order.findUnique({ where: { shop_id: { shop, id: input.orderId } } });
  if (!order) return null;
  const sendAfter = new Date(input.deliveredAt.getTime() + settings.followUpDays * 86_400_000);
  return queueNotice(db, {
    shop,
    kind: "order_followup",
    dedupeKey: `order_followup:${order.id}`,
    orderId: order.id,
    customerId: order.customerId,
    variables: {},
    sendAfter,
  });
}
