// What the Home page tells the seller: what Kizuna did for their customers
// today and this week (notices sent by kind, delays told before the customer
// asked, back-in-stock sales) and what needs them now (delays not told yet,
// notices that could not be sent, restocks waiting for held orders). Days
// are the shop's days (its time zone).
import { inChunks } from "../database/chunks.ts";
import type { Db } from "../db.server.ts";
import { sumDecimals } from "../money/decimal.ts";
import { startOfShopDay } from "../notices/shop-time.ts";
import { WAITING_FOR_ORDERS } from "../restock/held-orders.server.ts";

export interface CareSummary {
  /** Notices sent, by kind: since the start of the shop's day and over the last 7 days. */
  sent: { kind: string; today: number; week: number }[];
  /** Delay cases found this week whose notice was sent to the customer. */
  delaysTold: number;
  /** Purchases attributed to back-in-stock alerts sent this week, and their revenue (decimal string). */
  restockSales: { orders: number; revenue: string };
  needs: { delaysNotTold: number; failedNotices: number; restocksWaiting: number };
}

const DAY = 86_400_000;

export async function careSummary(db: Db, shop: string, now: Date, timeZone: string): Promise<CareSummary> {
  const today = startOfShopDay(now, timeZone);
  const weekAgo = new Date(today.getTime() - 6 * DAY);
  const [week, todays, delaysTold, sales, delaysNotTold, failedNotices, restocksWaiting] = await Promise.all([
    db.notice.groupBy({
      by: ["kind"],
      where: { shop, status: "sent", sentAt: { gte: weekAgo } },
      _count: { _all: true },
    }),
    db.notice.groupBy({
      by: ["kind"],
      where: { shop, status: "sent", sentAt: { gte: today } },
      _count: { _all: true },
    }),
    // Told means the notice went out, not only that it was queued.
    db.delayCase
      .findMany({ where: { shop, openedAt: { gte: weekAgo }, noticeId: { not: null } }, select: { noticeId: true } })
      .then((cases) =>
        inChunks(
          cases.map((row) => row.noticeId!),
          (ids) => db.notice.findMany({ where: { shop, id: { in: ids }, status: "sent" }, select: { id: true } }),
        ),
      )
      .then((sent) => sent.length),
    db.restockAlert.findMany({
      where: { shop, orderId: { not: null }, sentAt: { gte: weekAgo } },
      select: { revenue: true },
    }),
    db.delayCase.count({ where: { shop, status: "open", notifiedAt: null } }),
    db.notice.count({ where: { shop, status: "dead" } }),
    db.restockEpisode.count({ where: { shop, status: WAITING_FOR_ORDERS } }),
  ]);
  const todayOf = new Map(todays.map((row) => [row.kind, row._count._all]));
  return {
    sent: week
      .map((row) => ({ kind: row.kind, today: todayOf.get(row.kind) ?? 0, week: row._count._all }))
      .sort((a, b) => b.week - a.week || a.kind.localeCompare(b.kind)),
    delaysTold,
    restockSales: { orders: sales.length, revenue: sumDecimals(sales.map((sale) => sale.revenue ?? "0")) },
    needs: { delaysNotTold, failedNotices, restocksWaiting },
  };
}
