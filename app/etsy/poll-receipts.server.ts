// The receipts poll of one linked Etsy shop (job "poll-etsy-shop", every few
// minutes per shop): getShopReceipts changed since the cursor (less a small
// overlap, so a receipt changed while the last poll read never falls between
// two polls), oldest change first, a page at a time. Each receipt is written
// in its own transaction (receipts.server.ts, idempotent), and the cursor moves
// only once a whole page is stored: a poll cut short starts again from the
// last stored page.
import type { Db } from "../db.server.ts";
import { inTransaction } from "../mirror/write.server.ts";
import { EtsyApiError, EtsyDailyBudgetSpent, EtsyRateLimited } from "./etsy-api.server.ts";
import { etsyAccessToken, EtsyReconnectNeeded, type EtsyDeps } from "./oauth.server.ts";
import { mirrorReceipt, updatedAtOf } from "./receipts.server.ts";

/** Seconds the poll reads back before its cursor (Etsy's clock and ours, receipts changed mid-poll). */
export const POLL_OVERLAP_S = 120;
/** Etsy's largest page. */
export const RECEIPTS_PAGE_SIZE = 100;

export interface PollOptions {
  pageSize?: number;
  /** Stop after this many pages (the next poll goes on from the cursor). */
  maxPages?: number;
}

export type PollSummary =
  | { status: "polled"; pages: number; receipts: number; written: number; cursor: number }
  | { status: "skipped"; reason: "not_linked" | "reconnect" | "rate_limited" };

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}

export async function pollEtsyShop(
  db: Db,
  deps: EtsyDeps,
  shop: string,
  options: PollOptions = {},
): Promise<PollSummary> {
  const pageSize = Math.min(Math.max(options.pageSize ?? RECEIPTS_PAGE_SIZE, 1), RECEIPTS_PAGE_SIZE);
  const maxPages = options.maxPages ?? 100;
  const link = await db.etsyLink.findUnique({ where: { shop }, select: { pollCursor: true, status: true } });
  if (!link) return { status: "skipped", reason: "not_linked" };
  if (link.status === "reconnect") return { status: "skipped", reason: "reconnect" };
  let cursor = link.pollCursor;
  const since = Math.max(0, cursor - POLL_OVERLAP_S);
  let pages = 0;
  let receipts = 0;
  let written = 0;
  try {
    const { accessToken, etsyShopId } = await etsyAccessToken(db, deps, shop);
    // Each page starts at the latest change stored so far, skipping the receipts already read at that
    // very second: a receipt changed while the poll reads moves to the end of Etsy's list instead of
    // shifting the others back past a page boundary (as a plain offset over the whole list would).
    let from = since;
    let skip = 0;
    while (pages < maxPages) {
      const offset = skip;
      const page = await deps.api.getShopReceipts(accessToken, etsyShopId, {
        minLastModified: from,
        limit: pageSize,
        offset,
      });
      pages += 1;
      for (const receipt of page.results) {
        const result = await inTransaction(db, (tx) => mirrorReceipt(tx, shop, receipt));
        if (result.written) written += 1;
        const changedAt = updatedAtOf(receipt);
        if (changedAt > from) [from, skip] = [changedAt, 1];
        else if (changedAt === from) skip += 1;
      }
      receipts += page.results.length;
      cursor = Math.max(cursor, from);
      // The page is stored: the cursor may move (never back: updateMany where not past it).
      await db.etsyLink.updateMany({ where: { shop, pollCursor: { lte: cursor } }, data: { pollCursor: cursor } });
      if (page.results.length < pageSize || offset + page.results.length >= page.count) break;
    }
  } catch (error) {
    if (error instanceof EtsyReconnectNeeded) return { status: "skipped", reason: "reconnect" };
    // Etsy's limits: nothing to retry now; the next scheduled poll goes on from the cursor.
    if (error instanceof EtsyDailyBudgetSpent || error instanceof EtsyRateLimited) {
      await db.etsyLink.updateMany({ where: { shop }, data: { lastError: errorText(error) } });
      return { status: "skipped", reason: "rate_limited" };
    }
    // A refused access token (revoked on Etsy): the next poll refreshes first, and a refused refresh asks the seller.
    const revoked = error instanceof EtsyApiError && error.status === 401;
    await db.etsyLink.updateMany({
      where: { shop },
      data: { lastError: errorText(error), ...(revoked ? { accessExpiresAt: new Date(0) } : {}) },
    });
    throw error;
  }
  await db.etsyLink.updateMany({
    where: { shop },
    data: { lastPolledAt: deps.now?.() ?? new Date(), lastError: null },
  });
  return { status: "polled", pages, receipts, written, cursor };
}

/**
 * The shops whose receipts the scheduled poll reads: every link that works,
 * but not a Shopify store that uninstalled Kizuna (an Etsy-only seller has no
 * Shopify store row at all, and is polled).
 */
export async function linkedEtsyShops(db: Db): Promise<string[]> {
  const links = await db.etsyLink.findMany({
    where: { status: "connected" },
    select: { shop: true },
    orderBy: { shop: "asc" },
  });
  const gone = new Set(
    (
      await db.shop.findMany({
        where: { domain: { in: links.map((link) => link.shop) }, uninstalledAt: { not: null } },
        select: { domain: true },
      })
    ).map((row) => row.domain),
  );
  return links.map((link) => link.shop).filter((shop) => !gone.has(shop));
}
