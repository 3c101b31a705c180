// Runs a backfill for one shop and keeps the seller informed: status, progress
// counts while it runs, when it last finished, and why it failed.
import type { Db } from "../db.server.ts";
import type { AdminApi } from "../shopify/admin-api.server.ts";
import { backfillShop, type BackfillSummary } from "./backfill-shop.server.ts";

export async function syncShop(db: Db, api: AdminApi, shop: string, now = new Date()): Promise<BackfillSummary> {
  await db.shop.upsert({
    where: { domain: shop },
    create: { domain: shop, syncStatus: "running", syncStartedAt: now },
    update: { syncStatus: "running", syncStartedAt: now, syncError: null },
  });
  try {
    const summary = await backfillShop(db, api, shop, {
      now,
      onProgress: (progress) =>
        db.shop
          .update({ where: { domain: shop }, data: { syncSummary: JSON.stringify(progress) } })
          .then(() => undefined),
    });
    await db.shop.update({
      where: { domain: shop },
      data: { syncStatus: "idle", syncedAt: new Date(), syncSummary: JSON.stringify(summary) },
    });
    return summary;
  } catch (error) {
    await db.shop.update({
      where: { domain: shop },
      data: { syncStatus: "failed", syncError: (error as Error).message.slice(0, 1_000) },
    });
    throw error;
  }
}

/** Shops to reconcile daily: installed ones. */
export async function installedShops(db: Db): Promise<string[]> {
  const shops = await db.shop.findMany({ where: { uninstalledAt: null }, select: { domain: true } });
  return shops.map((shop) => shop.domain);
}
