// Whether Kizuna is installed on a shop, as the Shop row says: recordInstall
// creates it (or clears uninstalledAt on a reinstall), app/uninstalled sets
// uninstalledAt, shop/redact deletes the row. An uninstalled shop sends
// nothing and stores no new customer data (DESIGN.md, "Uninstalled shops"):
// the receiver, the projection, queueing, delivery and restock waves all ask here.
import type { Db } from "../db.server.ts";
import type { Tx } from "../mirror/write.server.ts";
import { isCompliance, type Topic } from "../webhooks/topics.ts";

/** installed; uninstalled (row kept until shop/redact); unknown (never installed, or redacted). */
export type InstallState = "installed" | "uninstalled" | "unknown";

type ShopReader = Pick<Db | Tx, "shop">;

export async function installStateOf(db: ShopReader, shop: string): Promise<InstallState> {
  const row = await db.shop.findUnique({ where: { domain: shop }, select: { uninstalledAt: true } });
  if (!row) return "unknown";
  return row.uninstalledAt ? "uninstalled" : "installed";
}

export async function isInstalled(db: ShopReader, shop: string): Promise<boolean> {
  return (await installStateOf(db, shop)) === "installed";
}

/**
 * Whether a webhook of `topic` is taken for a shop in `state`. An installed
 * shop: every topic. A shop that was installed once: only what removes or
 * reports data it already holds — the compliance topics (shop/redact comes
 * 48 h after uninstall and must still delete) and app/uninstalled itself
 * (Shopify may redeliver it). A shop never installed (or already redacted):
 * nothing, so a late event cannot recreate personal data.
 */
export function acceptsTopic(state: InstallState, topic: Topic): boolean {
  if (state === "installed") return true;
  if (state === "unknown") return false;
  return isCompliance(topic) || topic === "app/uninstalled";
}

export interface InstallLookup {
  stateOf(shop: string): Promise<InstallState>;
  /** Drops what is remembered of `shop` (its app/uninstalled or shop/redact just came in). */
  forget(shop: string): void;
}

/**
 * The receiver's lookup, on its hot path: "installed" is remembered for
 * `ttlMs` (one query per shop per few seconds, concurrent deliveries share
 * one query). Other answers are not remembered, so a shop that installs is
 * taken at once; an event stored in the window after an uninstall is refused
 * by the projection, which asks the database itself.
 */
export function cachedInstallLookup(
  db: ShopReader,
  options: { ttlMs?: number; maxShops?: number } = {},
): InstallLookup {
  const ttlMs = options.ttlMs ?? 5_000;
  const maxShops = options.maxShops ?? 10_000;
  const installed = new Map<string, number>();
  const pending = new Map<string, Promise<InstallState>>();
  return {
    stateOf(shop) {
      const until = installed.get(shop);
      if (until !== undefined && until > Date.now()) return Promise.resolve("installed");
      let asking = pending.get(shop);
      if (!asking) {
        asking = installStateOf(db, shop).finally(() => pending.delete(shop));
        pending.set(shop, asking);
        void asking.then(
          (state) => {
            if (state !== "installed") return void installed.delete(shop);
            if (installed.size >= maxShops) installed.clear();
            installed.set(shop, Date.now() + ttlMs);
          },
          () => undefined,
        );
      }
      return asking;
    },
    forget(shop) {
      installed.delete(shop);
    },
  };
}
