// The sandbox's seeded shop, backfilled into a fresh test database through the
// Admin API emulator. No app listens: nothing may arrive as a webhook.
import { afterAll, beforeAll } from "vitest";
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

/**
 * The backfilled sandbox for the enclosing describe block: started in its beforeAll, closed in its afterAll.
 * Read the fields inside tests; before beforeAll has run they throw.
 */
export function useBackfilledSandbox(provider: DbProvider, shop: string): Omit<BackfilledSandbox, "close"> {
  let started: BackfilledSandbox | undefined;
  beforeAll(async () => {
    started = await startBackfilledSandbox(provider, shop);
  });
  afterAll(async () => {
    await started?.close();
  });
  const current = () => {
    if (!started) throw new Error("the backfilled sandbox starts in beforeAll: read it inside a test");
    return started;
  };
  return {
    get sandbox() {
      return current().sandbox;
    },
    get database() {
      return current().database;
    },
    get api() {
      return current().api;
    },
  };
}
