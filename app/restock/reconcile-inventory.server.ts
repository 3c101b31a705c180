// Periodic reconciliation: Shopify does not guarantee inventory_levels/update,
// so for every variant someone waits for, stock is read through the Admin API,
// projected like the webhook would have been (same projection, newest wins),
// and an episode starts if the variant is back.
import type { Db } from "../db.server.ts";
import type { AdminApi } from "../shopify/admin-api.server.ts";
import { backfillInventoryLevels } from "../sync/backfill-shop.server.ts";
import { startEpisodeIfRestocked, waitingSubscribers } from "./episodes.server.ts";
import type { RestockEpisode } from "./types.ts";

export interface ReconcileSummary {
  /** Variants with waiting subscribers. */
  variants: number;
  /** Inventory levels read from the Admin API and projected. */
  levels: number;
  started: RestockEpisode[];
}

/** Variants of the shop with at least one waiting subscriber. */
async function wantedVariants(db: Db, shop: string): Promise<string[]> {
  const rows = await db.restockSubscription.findMany({
    where: { shop, unsubscribedAt: null },
    distinct: ["variantId"],
    select: { variantId: true },
  });
  const wanted: string[] = [];
  for (const { variantId } of rows) {
    if ((await waitingSubscribers(db, shop, variantId, 1)).length > 0) wanted.push(variantId);
  }
  return wanted;
}

/**
 * Refreshes stock of wanted variants from the Admin API (when `api` is given;
 * without it only the mirror is re-read) and starts the episodes a missed
 * webhook would have started. Returns them: the caller schedules runWave.
 */
export async function reconcileInventory(
  db: Db,
  shop: string,
  api?: AdminApi | null,
  now: Date = new Date(),
): Promise<ReconcileSummary> {
  const variantIds = await wantedVariants(db, shop);
  let levels = 0;
  if (api && variantIds.length > 0) {
    const variants: { inventoryItemId: string | null }[] = [];
    // In slices: SQLite binds at most 999 parameters per statement.
    for (let i = 0; i < variantIds.length; i += 500) {
      variants.push(
        ...(await db.variant.findMany({
          where: { shop, id: { in: variantIds.slice(i, i + 500) }, inventoryItemId: { not: null } },
          select: { inventoryItemId: true },
        })),
      );
    }
    const items = [...new Set(variants.map((v) => `gid://shopify/InventoryItem/${v.inventoryItemId}`))];
    levels = await backfillInventoryLevels(db, api, shop, items);
  }
  const started: RestockEpisode[] = [];
  for (const variantId of variantIds) started.push(...(await startEpisodeIfRestocked(db, shop, variantId, now)));
  return { variants: variantIds.length, levels, started };
}
