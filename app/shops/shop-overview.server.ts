// What the admin home page and the ops CLI show about one shop: the webhook
// pipeline's state and the size of the local mirror.
import type { Db } from "../db.server.ts";

export const EVENT_STATUSES = ["received", "enqueued", "processed", "failed"] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export type EventCounts = Record<EventStatus, number>;

export async function eventCounts(db: Db, shop?: string): Promise<EventCounts> {
  const groups = await db.webhookEvent.groupBy({
    by: ["status"],
    where: shop ? { shop } : {},
    _count: { _all: true },
  });
  const counts: EventCounts = { received: 0, enqueued: 0, processed: 0, failed: 0 };
  for (const group of groups) {
    if ((EVENT_STATUSES as readonly string[]).includes(group.status))
      counts[group.status as EventStatus] = group._count._all;
  }
  return counts;
}

/** Row counts per mirror table for one shop. */
export async function mirrorCounts(db: Db, shop: string) {
  const where = { where: { shop } };
  const [
    customers,
    orders,
    lineItems,
    fulfillmentOrders,
    fulfillments,
    fulfillmentEvents,
    products,
    variants,
    inventoryLevels,
    returns,
    refunds,
    dataExports,
  ] = await Promise.all([
    db.customer.count(where),
    db.order.count(where),
    db.lineItem.count(where),
    db.fulfillmentOrder.count(where),
    db.fulfillment.count(where),
    db.fulfillmentEvent.count(where),
    db.product.count(where),
    db.variant.count(where),
    db.inventoryLevel.count(where),
    db.return.count(where),
    db.refund.count(where),
    db.dataExport.count(where),
  ]);
  return {
    customers,
    orders,
    lineItems,
    fulfillmentOrders,
    fulfillments,
    fulfillmentEvents,
    products,
    variants,
    inventoryLevels,
    returns,
    refunds,
    dataExports,
  };
}

export type MirrorCounts = Awaited<ReturnType<typeof mirrorCounts>>;

export interface FailedEvent {
  id: number;
  topic: string;
  eventId: string;
  attempts: number;
  lastError: string | null;
  receivedAt: Date;
}

export async function failedEvents(db: Db, shop: string, take = 20): Promise<FailedEvent[]> {
  return db.webhookEvent.findMany({
    where: { shop, status: "failed" },
    select: { id: true, topic: true, eventId: true, attempts: true, lastError: true, receivedAt: true },
    orderBy: { id: "desc" },
    take,
  });
}
