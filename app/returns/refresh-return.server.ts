// A return webhook that carries a change, not the state (returns/process,
// returns/update, reverse deliveries and dispositions), or any return event:
// Kizuna reads the return again from the Admin API and records Shopify's word.
import type { Db } from "../db.server.ts";
import type { AdminApi } from "../shopify/admin-api.server.ts";
import { recordReturn } from "./returns.server.ts";
import { fetchReturn } from "./shopify-returns.server.ts";

/** Records the return as Shopify has it now; false when Shopify does not know it. */
export async function refreshReturn(db: Db, api: AdminApi, shop: string, returnId: string): Promise<boolean> {
  const ret = await fetchReturn(api, returnId);
  if (!ret) return false;
  await recordReturn(db, shop, ret);
  return true;
}
