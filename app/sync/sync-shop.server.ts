// Runs a backfill for one shop and keeps the seller informed: status, progress
// counts while it runs, when it last finished, and why it failed. It also
// keeps the shop's primary language (Shop.locale), the language of customers
// Kizuna knows no language for.
import type { Db } from "../db.server.ts";
import { ShopLocalesQuery } from "../graphql/shop.ts";
import { AdminApiError, type AdminApi } from "../shopify/admin-api.server.ts";
import { backfillShop, type BackfillSummary } from "./backfill-shop.server.ts";
import { isStandaloneShop } from "../shops/shop-key.ts";

export async function syncShop(db: Db, api: AdminApi, shop: string, now = new Date()): Promise<BackfillSummary> {
  await db.shop.upsert({
    where: { domain: shop },
    create: { domain: shop, syncStatus: "running", syncStartedAt: now },
    update: { syncStatus: "running", syncStartedAt: now, syncError: null },
  });
  try {
    await syncShopLocale(db, api, shop);
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

/** A locale code as Shopify writes it: "ja", "en", "pt-BR", "zh-CN". */
const LOCALE_CODE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;

/**
 * Reads the shop's primary locale from the Admin API into Shop.locale and returns it. When the API
 * refuses the query (a token without the read_locales scope) or names no primary locale, the
 * stored locale stays as it was and the answer is null; other failures (network, throttling) fail
 * the sync like any other read.
 */
export async function syncShopLocale(db: Db, api: AdminApi, shop: string): Promise<string | null> {
  let locales: unknown;
  try {
    ({
      data: { shopLocales: locales },
    } = await api.request<{ shopLocales?: unknown }>(ShopLocalesQuery));
  } catch (error) {
    if (error instanceof AdminApiError && error.kind === "graphql") return null;
    throw error;
  }
  const primary = Array.isArray(locales)
    ? (locales as { locale?: unknown; primary?: unknown }[]).find((entry) => entry?.primary === true)?.locale
    : undefined;
  if (typeof primary !== "string" || !LOCALE_CODE.test(primary)) return null;
  await db.shop.update({ where: { domain: shop }, data: { locale: primary } });
  return primary;
}

/** Shops to reconcile daily: installed ones (an Etsy-only account has no Shopify store to read). */
export async function installedShops(db: Db): Promise<string[]> {
  const shops = await db.shop.findMany({ where: { uninstalledAt: null }, select: { domain: true } });
  return shops.map((shop) => shop.domain).filter((shop) => !isStandaloneShop(shop));
}
