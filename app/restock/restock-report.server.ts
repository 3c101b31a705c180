// What the Restock page shows: the most-wanted variants (waiting, sent,
// converted, revenue attributed) and the latest episodes.
import { ordersHeldFor, WAITING_FOR_ORDERS, type HeldOrder } from "./held-orders.server.ts";
import type { Db } from "../db.server.ts";
import { sumDecimals } from "../money/decimal.ts";

export interface WantedVariant {
  variantId: string;
  productTitle: string;
  variantTitle: string | null;
  available: number | null;
  /** Active signups not yet told since they signed up. */
  waiting: number;
  sent: number;
  converted: number;
  revenue: string;
}

export interface EpisodeRow {
  id: number;
  variantId: string;
  title: string;
  status: string;
  availableAtStart: number;
  notified: number;
  startedAt: string;
  endedAt: string | null;
  /** While the episode waits for them: the orders on hold for this variant (served before subscribers). */
  heldOrders: HeldOrder[];
}

export interface RestockReport {
  variants: WantedVariant[];
  episodes: EpisodeRow[];
  totals: { waiting: number; sent: number; converted: number; revenue: string };
}

const TOP = 50;

export async function restockReport(db: Db, shop: string): Promise<RestockReport> {
  const [signups, alerts, told, episodes] = await Promise.all([
    db.restockSubscription.groupBy({
      by: ["variantId"],
      where: { shop, unsubscribedAt: null },
      _count: { _all: true },
    }),
    db.restockAlert.groupBy({ by: ["variantId"], where: { shop }, _count: { _all: true, orderId: true } }),
    // Subscriptions told since they (re)subscribed are no longer waiting.
    db.$queryRaw<{ variantId: string; told: bigint | number }[]>`
      SELECT s."variantId" AS "variantId", COUNT(DISTINCT s."id") AS "told"
      FROM "RestockSubscription" s JOIN "RestockAlert" a ON a."subscriptionId" = s."id"
      WHERE s."shop" = ${shop} AND s."unsubscribedAt" IS NULL AND a."sentAt" >= s."createdAt"
      GROUP BY s."variantId"`,
    db.restockEpisode.findMany({ where: { shop }, orderBy: { startedAt: "desc" }, take: 20 }),
  ]);
  const held = new Map<number, HeldOrder[]>();
  for (const episode of episodes)
    if (episode.status === WAITING_FOR_ORDERS) held.set(episode.id, await ordersHeldFor(db, shop, episode.variantId));
  const revenueRows = await db.restockAlert.findMany({
    where: { shop, revenue: { not: null } },
    select: { variantId: true, revenue: true },
  });
  const revenue = new Map<string, string[]>();
  for (const row of revenueRows) revenue.set(row.variantId, [...(revenue.get(row.variantId) ?? []), row.revenue!]);
  const sent = new Map(alerts.map((a) => [a.variantId, a._count]));
  const toldBy = new Map(told.map((t) => [t.variantId, Number(t.told)]));
  const ids = new Set([...signups.map((s) => s.variantId), ...alerts.map((a) => a.variantId)]);
  const rows = [...ids].map((variantId) => {
    const signed = signups.find((s) => s.variantId === variantId)?._count._all ?? 0;
    return {
      variantId,
      waiting: Math.max(0, signed - (toldBy.get(variantId) ?? 0)),
      sent: sent.get(variantId)?._all ?? 0,
      converted: sent.get(variantId)?.orderId ?? 0,
      revenue: sumDecimals(revenue.get(variantId) ?? []),
    };
  });
  rows.sort((a, b) => b.waiting - a.waiting || b.sent - a.sent || a.variantId.localeCompare(b.variantId));
  const top = rows.slice(0, TOP);
  const variantIds = [...new Set([...top.map((r) => r.variantId), ...episodes.map((e) => e.variantId)])];
  const variants = await db.variant.findMany({ where: { shop, id: { in: variantIds } } });
  const products = await db.product.findMany({
    where: { shop, id: { in: [...new Set(variants.map((v) => v.productId))] } },
  });
  const levels = await db.inventoryLevel.findMany({
    where: { shop, inventoryItemId: { in: variants.flatMap((v) => v.inventoryItemId ?? []) } },
  });
  const describe = (variantId: string) => {
    const variant = variants.find((v) => v.id === variantId);
    const product = variant ? products.find((p) => p.id === variant.productId) : undefined;
    const own = variant?.inventoryItemId ? levels.filter((l) => l.inventoryItemId === variant.inventoryItemId) : [];
    return {
      productTitle: product?.title ?? `Variant ${variantId}`,
      variantTitle: variant?.title && variant.title !== "Default Title" ? variant.title : null,
      available:
        own.length > 0
          ? own.reduce((sum, l) => sum + Math.max(0, l.available ?? 0), 0)
          : (variant?.inventoryQuantity ?? null),
    };
  };
  return {
    variants: top.map((row) => ({ ...row, ...describe(row.variantId) })),
    episodes: episodes.map((e) => {
      const d = describe(e.variantId);
      return {
        id: e.id,
        variantId: e.variantId,
        title: d.variantTitle ? `${d.productTitle} – ${d.variantTitle}` : d.productTitle,
        status: e.status,
        availableAtStart: e.availableAtStart,
        notified: e.notified,
        startedAt: e.startedAt.toISOString(),
        endedAt: e.endedAt?.toISOString() ?? null,
        heldOrders: held.get(e.id) ?? [],
      };
    }),
    totals: {
      waiting: rows.reduce((n, r) => n + r.waiting, 0),
      sent: rows.reduce((n, r) => n + r.sent, 0),
      converted: rows.reduce((n, r) => n + r.converted, 0),
      revenue: sumDecimals(rows.map((r) => r.revenue)),
    },
  };
}
