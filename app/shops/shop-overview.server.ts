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

/** How each mirror table counts one shop's rows (one list, so the page, the CLI and the demo agree). */
const MIRROR_TABLES = {
  customers: (db: Db, shop: string) => db.customer.count({ where: { shop } }),
  orders: (db: Db, shop: string) => db.order.count({ where: { shop } }),
  lineItems: (db: Db, shop: string) => db.lineItem.count({ where: { shop } }),
  fulfillmentOrders: (db: Db, shop: string) => db.fulfillmentOrder.count({ where: { shop } }),
  fulfillments: (db: Db, shop: string) => db.fulfillment.count({ where: { shop } }),
  fulfillmentEvents: (db: Db, shop: string) => db.fulfillmentEvent.count({ where: { shop } }),
  products: (db: Db, shop: string) => db.product.count({ where: { shop } }),
  variants: (db: Db, shop: string) => db.variant.count({ where: { shop } }),
  inventoryLevels: (db: Db, shop: string) => db.inventoryLevel.count({ where: { shop } }),
  returns: (db: Db, shop: string) => db.return.count({ where: { shop } }),
  refunds: (db: Db, shop: string) => db.refund.count({ where: { shop } }),
  dataExports: (db: Db, shop: string) => db.dataExport.count({ where: { shop } }),
};

export type MirrorCounts = Record<keyof typeof MIRROR_TABLES, number>;

/** Row counts per mirror table for one shop. */
export async function mirrorCounts(db: Db, shop: string): Promise<MirrorCounts> {
  const entries = await Promise.all(
    Object.entries(MIRROR_TABLES).map(async ([table, count]) => [table, await count(db, shop)] as const),
  );
  return Object.fromEntries(entries) as MirrorCounts;
}

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

export interface ShopProfile {
  name: string | null;
  timezone: string | null;
  currency: string | null;
  syncStatus: string;
  syncedAt: Date | null;
  syncSummary: string | null;
  syncError: string | null;
}

/** The shop's own row as the admin pages show it (name, time zone, currency, sync state); defaults before install. */
export async function getShopProfile(db: Db, shop: string): Promise<ShopProfile> {
  const row = await db.shop.findUnique({
    where: { domain: shop },
    select: {
      name: true,
      timezone: true,
      currency: true,
      syncStatus: true,
      syncedAt: true,
      syncSummary: true,
      syncError: true,
    },
  });
  return {
    name: row?.name ?? null,
    timezone: row?.timezone ?? null,
    currency: row?.currency ?? null,
    syncStatus: row?.syncStatus ?? "idle",
    syncedAt: row?.syncedAt ?? null,
    syncSummary: row?.syncSummary ?? null,
    syncError: row?.syncError ?? null,
  };
}
