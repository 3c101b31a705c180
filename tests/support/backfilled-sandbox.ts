// The sandbox's seeded shop, backfilled into a fresh test database through the
// Admin API emulator. No app listens: nothing may arrive as a webhook.
import { AdminApi } from "../../app/shopify/admin-api.server.ts";
import { backfillShop } from "../../app/sync/backfill-shop.server.ts";
import { startSandbox, type RunningSandbox } from "../../sandbox/server.ts";
import type { DbProvider } from "../../app/db.server.ts";
import { createTestDatabase, type TestDatabase } from "./databases.ts";

export interface BackfilledSandbox {
  sandbox: RunningSandbox;
  database: TestDatabase;
  api: AdminApi;
  close(): Promise<void>;
}

export async function startBackfilledSandbox(provider: DbProvider, shop: string): Promise<BackfilledSandbox> {
  const sandbox = await startSandbox({
    appUrl: "http://127.0.0.1:9",
    apiKey: "backfill-test-key",
    apiSecret: "backfill-test-secret",
    shop,
    apiVersion: "2026-07",
  });
  const database = await createTestDatabase(provider);
  const api = new AdminApi({ shop, accessToken: sandbox.store.issueAccessToken(shop), origin: sandbox.config.origin });
  await backfillShop(database.db, api, shop);
  return {
    sandbox,
    database,
    api,
    async close() {
      await sandbox.close();
      await database.drop();
    },
  };
}
