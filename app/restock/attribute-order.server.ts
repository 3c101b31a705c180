// Attribution: an order that contains a variant a shopper (matched by email,
// or by customer id) was alerted for within the 7 days before the order is
// credited to that alert — the newest one — with revenue = price x quantity
// of that variant's lines, as a decimal string. Idempotent: re-running it for
// the same order changes nothing; an alert is credited to one order only.
import type { Db } from "../db.server.ts";
import { multiplyDecimal, sumDecimals } from "../money/decimal.ts";
import { ATTRIBUTION_DAYS } from "./types.ts";

export interface Attribution {
  variantId: string;
  episodeId: number;
  subscriptionId: number;
  revenue: string;
}

export async function attributeOrder(db: Db, shop: string, orderId: string): Promise<Attribution[]> {
  const order = await db.order.findUnique({ where: { shop_id: { shop, id: orderId } } });
  if (!order || order.cancelledAt) return [];
  const email = order.email?.trim().toLowerCase() || null;
  if (!email && !order.customerId) return [];
  const lines = await db.lineItem.findMany({ where: { shop, orderId, variantId: { not: null } } });
  const revenueByVariant = new Map<string, string[]>();
  for (const line of lines) {
    const amounts = revenueByVariant.get(line.variantId!) ?? [];
    amounts.push(multiplyDecimal(line.price, line.quantity));
    revenueByVariant.set(line.variantId!, amounts);
  }
  if (revenueByVariant.size === 0) return [];

  const since = new Date(order.shopifyCreatedAt.getTime() - ATTRIBUTION_DAYS * 24 * 60 * 60 * 1000);
  const subscriptions = await db.restockSubscription.findMany({
    where: {
      shop,
      variantId: { in: [...revenueByVariant.keys()] },
      OR: [...(email ? [{ email }] : []), ...(order.customerId ? [{ customerId: order.customerId }] : [])],
    },
    select: { id: true, variantId: true },
  });
  const attributed: Attribution[] = [];
  for (const [variantId, amounts] of revenueByVariant) {
    const ids = subscriptions.filter((s) => s.variantId === variantId).map((s) => s.id);
    if (ids.length === 0) continue;
    const alert = await db.restockAlert.findFirst({
      where: {
        shop,
        variantId,
        subscriptionId: { in: ids },
        sentAt: { gte: since, lte: order.shopifyCreatedAt },
        OR: [{ orderId: null }, { orderId }],
      },
      orderBy: { sentAt: "desc" },
    });
    if (!alert) continue;
    const revenue = sumDecimals(amounts);
    // Only an alert still free (or already ours) is taken: two orders cannot both claim it.
    const taken = await db.restockAlert.updateMany({
      where: { episodeId: alert.episodeId, subscriptionId: alert.subscriptionId, OR: [{ orderId: null }, { orderId }] },
      data: { orderId, revenue },
    });
    if (taken.count > 0) {
      attributed.push({ variantId, episodeId: alert.episodeId, subscriptionId: alert.subscriptionId, revenue });
    }
  }
  return attributed;
}
