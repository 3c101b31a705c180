// The worker's analytics refresh (job "refresh-analytics", hourly for every
// shop): the days asked for, else the recent days and those of conversations
// and returns touched since the last run; a shop with no rollups yet gets its
// whole history once, and history older than its rollups (a backfill) too.
import type { Db } from "../db.server.ts";
import { allDays, daysToRefresh, recomputeDays, type RecomputeSummary } from "./rollups.server.ts";

/** The hourly run looks back this far for touched rows: a run that came late or failed once is covered. */
export const ANALYTICS_OVERLAP_MS = 3 * 60 * 60 * 1000;

export async function refreshShopAnalytics(
  db: Db,
  shop: string,
  now: Date,
  days?: readonly string[],
  overlapMs = ANALYTICS_OVERLAP_MS,
): Promise<RecomputeSummary> {
  // An uninstalled shop's figures stay as they were (and go with shop/redact).
  const installed = await db.shop.findUnique({ where: { domain: shop }, select: { uninstalledAt: true } });
  if (!installed || installed.uninstalledAt) return { days: 0, rows: 0 };
  if (days?.length) return recomputeDays(db, shop, days);
  const [earliest, history] = await Promise.all([
    db.analyticsDaily.findFirst({ where: { shop }, orderBy: { day: "asc" }, select: { day: true } }),
    allDays(db, shop, now),
  ]);
  if (!earliest) return recomputeDays(db, shop, history);
  // History that arrived after the rollups began (a backfill finishing after the first refresh) is filled once.
  const missing = history.filter((day) => day < earliest.day);
  const recent = await daysToRefresh(db, shop, now, new Date(now.getTime() - overlapMs));
  return recomputeDays(db, shop, [...missing, ...recent]);
}
