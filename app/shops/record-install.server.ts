import type { Db } from "../db.server.ts";

/** A shop that (re)installs is active again. */
export async function recordInstall(db: Db, shop: string, scopes: string | null): Promise<void> {
  await db.shop.upsert({
    where: { domain: shop },
    create: { domain: shop, scopes },
    update: { uninstalledAt: null, scopes, installedAt: new Date() },
  });
}
