// Install-time backfill and daily reconciliation rebuild the same mirror the
// webhooks build: the seeded sandbox shop, once replayed as signed webhooks
// through the real pipeline and once read through the Admin API emulator.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../../app/db.server.ts";
import { AdminApi } from "../../app/shopify/admin-api.server.ts";
import { backfillShop } from "../../app/sync/backfill-shop.server.ts";
import { API_VERSION } from "../../app/webhooks/topics.ts";
import { startSandbox, type RunningSandbox } from "../../sandbox/server.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";
import { recordInstall } from "../../app/shops/record-install.server.ts";
import { startPipeline, TEST_SECRET, waitFor, type Pipeline } from "../support/pipeline.ts";

const SHOP = "kizuna-demo.myshopify.com";

/** Every row of a shop's table, without local bookkeeping, in a stable order. */
async function rowsOf(db: Db, table: keyof typeof READERS): Promise<unknown[]> {
  const rows = (await READERS[table](db)) as Record<string, unknown>[];
  return rows
    .map(({ updatedAt: _local, ...row }) => row)
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const where = { where: { shop: SHOP } };
const READERS = {
  customers: (db: Db) => db.customer.findMany(where),
  orders: (db: Db) => db.order.findMany(where),
  lineItems: (db: Db) => db.lineItem.findMany(where),
  fulfillments: (db: Db) => db.fulfillment.findMany(where),
  fulfillmentEvents: (db: Db) => db.fulfillmentEvent.findMany(where),
  products: (db: Db) => db.product.findMany(where),
  variants: (db: Db) => db.variant.findMany(where),
  inventoryLevels: (db: Db) => db.inventoryLevel.findMany(where),
};

describeEachDatabase("backfill from the Admin API", (provider) => {
  let pipeline: Pipeline;
  let sandbox: RunningSandbox;
  let backfilled: TestDatabase;
  const waits: number[] = [];

  beforeAll(async () => {
    pipeline = await startPipeline(provider, { installedShops: [SHOP] });
    const appUrl = pipeline.url.replace(/\/webhooks$/, "");
    // A small bucket, so the backfill runs into Shopify's rate limit.
    sandbox = await startSandbox(
      { appUrl, apiKey: "test-api-key", apiSecret: TEST_SECRET, shop: SHOP, apiVersion: API_VERSION },
      { maximumAvailable: 1_000, restoreRate: 100 },
    );
    backfilled = await createTestDatabase(provider);
    // Installed, as the app's install records it: projections store nothing for other shops.
    await recordInstall(backfilled.db, SHOP, null);
  });
  afterAll(async () => {
    await sandbox?.close();
    await pipeline?.close();
    await backfilled?.drop();
  });

  it("builds the mirror the webhooks build", async () => {
    const delivered = await sandbox.replay();
    expect(delivered).toBeGreaterThan(50);
    const webhookDb = pipeline.database.db;
    await waitFor(
      "the replay to be processed",
      async () => (await webhookDb.webhookEvent.count({ where: { status: { in: ["received", "enqueued"] } } })) === 0,
      60_000,
    );
    expect(await webhookDb.webhookEvent.count({ where: { status: "failed" } })).toBe(0);

    const api = new AdminApi({
      shop: SHOP,
      accessToken: sandbox.store.issueAccessToken(SHOP),
      origin: sandbox.config.origin,
      sleep: (ms) => {
        waits.push(ms);
        return new Promise((done) => setTimeout(done, ms));
      },
    });
    const summary = await backfillShop(backfilled.db, api, SHOP);
    expect(summary.orders).toBe(sandbox.seed?.orders.length);

    for (const table of Object.keys(READERS) as (keyof typeof READERS)[]) {
      const fromWebhooks = await rowsOf(webhookDb, table);
      expect(fromWebhooks.length, table).toBeGreaterThan(0);
      expect(await rowsOf(backfilled.db, table), table).toEqual(fromWebhooks);
    }
    // Hold webhooks name the fulfillment order but not its order; the backfill knows both.
    const held = await webhookDb.fulfillmentOrder.findMany({
      ...where,
      select: { id: true, status: true, holds: true },
    });
    expect(held.length).toBeGreaterThan(0);
    const fromApi = await backfilled.db.fulfillmentOrder.findMany({
      where: { shop: SHOP, id: { in: held.map((row) => row.id) } },
    });
    expect(
      fromApi.map(({ id, status, holds }) => ({ id, status, holds })).sort((a, b) => a.id.localeCompare(b.id)),
    ).toEqual(held.sort((a, b) => a.id.localeCompare(b.id)));
    expect(fromApi.every((row) => row.orderId !== null)).toBe(true);
  });

  it("honours the rate limit: the client waited, nothing failed", () => {
    expect(waits.length).toBeGreaterThan(0);
  });

  it("running it again changes nothing (idempotent)", async () => {
    const before = await rowsOf(backfilled.db, "orders");
    const api = new AdminApi({
      shop: SHOP,
      accessToken: sandbox.store.issueAccessToken(SHOP),
      origin: sandbox.config.origin,
    });
    await backfillShop(backfilled.db, api, SHOP);
    expect(await rowsOf(backfilled.db, "orders")).toEqual(before);
  });
});
