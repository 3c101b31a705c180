// `npm run ops -- returns <shop> [--json]`: a shop's returns, newest first, with the order,
// Shopify's status, the policy's decision, the resolution and what was refunded — by Kizuna's
// money actions on the return (succeeded only) and by every refund Shopify has on the order.
import type { Db } from "../../app/db.server.ts";
import { isDecimal, sumDecimals } from "../../app/money/decimal.ts";

export interface ReturnRow {
  id: string;
  orderId: string | null;
  orderName: string | null;
  status: string;
  /** The policy verdict's decision (approve | review | decline | incomplete); null for a return made outside Kizuna. */
  decision: string | null;
  resolution: string | null;
  source: string | null;
  requestedAt: string | null;
  /** Sum of the return's succeeded money actions, per currency ("4800 JPY"); null when none. */
  refundedByKizuna: string | null;
  /** Sum of the order's refunds as Shopify reports them, per currency; null when none. */
  orderRefunds: string | null;
}

export class UnknownShopError extends Error {}

/** "4800 JPY" per currency, joined with " + "; null for no amounts. Amounts that are not decimals are skipped. */
function totals(items: { amount: string | null; currency: string | null }[], fallback: string): string | null {
  const byCurrency = new Map<string, string[]>();
  for (const item of items) {
    if (!item.amount || !isDecimal(item.amount)) continue;
    const currency = item.currency ?? fallback;
    byCurrency.set(currency, [...(byCurrency.get(currency) ?? []), item.amount]);
  }
  if (byCurrency.size === 0) return null;
  return [...byCurrency].map(([currency, amounts]) => `${sumDecimals(amounts)} ${currency}`).join(" + ");
}

function decisionOf(verdict: string | null): string | null {
  if (!verdict) return null;
  try {
    const parsed: unknown = JSON.parse(verdict);
    const decision = (parsed as { decision?: unknown } | null)?.decision;
    return typeof decision === "string" ? decision : null;
  } catch {
    return null;
  }
}

export async function listReturns(db: Db, shop: string): Promise<ReturnRow[]> {
  const known =
    (await db.shop.findUnique({ where: { domain: shop }, select: { currency: true } })) ??
    ((await db.return.count({ where: { shop } })) > 0 ? { currency: null } : null);
  if (!known) throw new UnknownShopError(`no shop "${shop}" (see 'shops')`);
  const returns = await db.return.findMany({ where: { shop } });
  const orderIds = [...new Set(returns.map((row) => row.orderId).filter((id): id is string => Boolean(id)))];
  const [orders, actions, refunds] = await Promise.all([
    db.order.findMany({ where: { shop, id: { in: orderIds } }, select: { id: true, name: true, currency: true } }),
    db.moneyAction.findMany({
      where: { shop, state: "succeeded", returnId: { in: returns.map((row) => row.id) } },
      select: { returnId: true, amount: true, currency: true },
    }),
    db.refund.findMany({
      where: { shop, orderId: { in: orderIds } },
      select: { orderId: true, amount: true, currency: true },
    }),
  ]);
  const orderOf = new Map(orders.map((order) => [order.id, order]));
  const fallback = known.currency ?? "";
  const rows = returns.map((row) => {
    const order = row.orderId ? orderOf.get(row.orderId) : undefined;
    const currency = order?.currency ?? fallback;
    return {
      sortKey: (row.requestedAt ?? row.updatedAt).getTime(),
      row: {
        id: row.id,
        orderId: row.orderId,
        orderName: order?.name ?? null,
        status: row.status,
        decision: decisionOf(row.verdict),
        resolution: row.resolution,
        source: row.source,
        requestedAt: row.requestedAt?.toISOString() ?? null,
        refundedByKizuna: totals(
          actions.filter((action) => action.returnId === row.id),
          currency,
        ),
        orderRefunds: row.orderId
          ? totals(
              refunds.filter((refund) => refund.orderId === row.orderId),
              currency,
            )
          : null,
      } satisfies ReturnRow,
    };
  });
  // Newest first (by when it was requested, else when Kizuna last changed it); ties by id, newest first.
  rows.sort((a, b) => b.sortKey - a.sortKey || b.row.id.localeCompare(a.row.id, "en", { numeric: true }));
  return rows.map((entry) => entry.row);
}

export const RETURN_HEADINGS = [
  "return",
  "order",
  "status",
  "verdict",
  "resolution",
  "requested",
  "refunded (Kizuna)",
  "order refunds",
];

export function returnCells(row: ReturnRow): string[] {
  return [
    row.id,
    row.orderName ?? row.orderId ?? "",
    row.status,
    row.decision ?? "",
    row.resolution ?? "",
    row.requestedAt ?? "",
    row.refundedByKizuna ?? "",
    row.orderRefunds ?? "",
  ];
}
