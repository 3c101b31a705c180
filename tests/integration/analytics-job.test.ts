// The analytics refresh as the worker runs it (both databases, real Redis and
// BullMQ under this run's prefix): the worker schedules "refresh-analytics-all",
// which queues one "refresh-analytics" per installed shop (not an uninstalled
// one); a shop without rollups gets its whole history; a refresh of given days
// replaces them. And the delay scan tells a held-out case once its day is over.
import { afterAll, describe, expect, it } from "vitest";
import {
  ANALYTICS_SCHEDULE,
  createQueue,
  QUEUE,
  refreshAnalyticsJob,
  workerConnection,
} from "../../app/jobs/queues.server.ts";
import { startWorker, type RunningWorker } from "../../app/jobs/worker.server.ts";
import { scanAndNotify, type QueueNotice } from "../../app/delays/notify.server.ts";
import { deleteRedisKeys, REDIS_URL } from "../e2e/support/app.ts";
import { createTestDatabase, PROVIDERS } from "../support/databases.ts";
import { waitFor } from "../support/pipeline.ts";

const PREFIX = `kizuna-test-analytics-job-${process.pid}`;
afterAll(async () => {
  await deleteRedisKeys(PREFIX);
});

describe.each(PROVIDERS)("the analytics refresh job on %s", (provider) => {
  const prefix = `${PREFIX}-${provider}`;

  it("is scheduled, fans out to installed shops and fills their rollups from the raw rows", async () => {
    const database = await createTestDatabase(provider);
    const db = database.db;
    let worker: RunningWorker | undefined;
    const sync = createQueue(QUEUE.sync, workerConnection(REDIS_URL), prefix);
    try {
      const at = new Date(Date.now() - 3 * 86_400_000);
      for (const [domain, uninstalledAt] of [
        ["installed.myshopify.com", null],
        ["gone.myshopify.com", new Date()],
      ] as const) {
        await db.shop.create({ data: { domain, timezone: "Asia/Tokyo", currency: "JPY", uninstalledAt } });
        await db.order.create({
          data: {
            shop: domain,
            id: "1",
            name: "#1",
            currency: "JPY",
            totalPrice: "1200",
            shopifyCreatedAt: at,
            shopifyUpdatedAt: at,
          },
        });
      }
      worker = startWorker({
        db,
        connection: workerConnection(REDIS_URL),
        prefix,
        concurrency: 1,
        lockMs: 30_000,
        adminApiFor: async () => null,
        log: () => undefined,
      });
      await waitFor("the analytics refresh scheduled", async () =>
        (await sync.getJobSchedulers()).some((scheduler) => scheduler.key === ANALYTICS_SCHEDULE.id),
      );
      // Its next run is up to an hour away: run it now, as the scheduler would.
      await sync.add("refresh-analytics-all", {}, { jobId: "analytics-now" });
      await waitFor(
        "the installed shop's rollups",
        async () =>
          (await db.analyticsDaily.count({ where: { shop: "installed.myshopify.com", metric: "orders" } })) === 1,
      );
      expect(await db.analyticsDaily.count({ where: { shop: "gone.myshopify.com" } })).toBe(0);
      const hourly = await db.analyticsHourly.findMany({ where: { shop: "installed.myshopify.com" } });
      expect(hourly.map((row) => row.kind)).toEqual(["orders"]);

      // A late order on that day: a refresh of the day replaces it.
      const row = await db.analyticsDaily.findFirstOrThrow({
        where: { shop: "installed.myshopify.com", metric: "orders" },
      });
      await db.order.create({
        data: {
          shop: "installed.myshopify.com",
          id: "2",
          name: "#2",
          currency: "JPY",
          totalPrice: "800",
          shopifyCreatedAt: at,
          shopifyUpdatedAt: at,
        },
      });
      const job = refreshAnalyticsJob("installed.myshopify.com", Date.now(), [row.day]);
      await sync.add(job.name, job.data, job.opts);
      await waitFor(
        "the day recomputed",
        async () =>
          (
            await db.analyticsDaily.findFirst({
              where: { shop: "installed.myshopify.com", metric: "orders", day: row.day },
            })
          )?.count === 2,
      );

      // A backfill brings an order older than the rollups: the next refresh fills its day.
      const old = new Date(Date.now() - 60 * 86_400_000);
      await db.order.create({
        data: {
          shop: "installed.myshopify.com",
          id: "3",
          name: "#3",
          currency: "JPY",
          totalPrice: "500",
          shopifyCreatedAt: old,
          shopifyUpdatedAt: old,
        },
      });
      const refresh = refreshAnalyticsJob("installed.myshopify.com", Date.now() + 1);
      await sync.add(refresh.name, refresh.data, refresh.opts);
      await waitFor(
        "the older day filled",
        async () =>
          (await db.analyticsDaily.count({ where: { shop: "installed.myshopify.com", metric: "orders" } })) === 2,
      );
    } finally {
      await worker?.close();
      await sync.close();
      await database.drop();
    }
  });

  it("the delay scan tells a held-out case still open once its day is over, and only then", async () => {
    const database = await createTestDatabase(provider);
    const db = database.db;
    try {
      const shop = "holdout.myshopify.com";
      await db.shop.create({ data: { domain: shop, timezone: "Asia/Tokyo", currency: "JPY" } });
      const opened = new Date("2026-11-18T01:00:00Z");
      // Not shipped for weeks: the scan keeps its handling-time case open.
      const ordered = new Date("2026-11-01T01:00:00Z");
      await db.order.create({
        data: {
          shop,
          id: "77",
          name: "#77",
          currency: "JPY",
          totalPrice: "3000",
          fulfillmentStatus: "UNFULFILLED",
          shopifyCreatedAt: ordered,
          shopifyUpdatedAt: ordered,
        },
      });
      const caseRow = await db.delayCase.create({
        data: { shop, orderId: "77", subject: "order", rule: "handling_time", reason: "NOT_SHIPPED", openedAt: opened },
      });
      await db.delayHoldout.create({
        data: { shop, caseId: caseRow.id, heldOutAt: opened, until: new Date(opened.getTime() + 86_400_000) },
      });
      const queued: string[] = [];
      const queue: QueueNotice = async (_db, input) => {
        queued.push(input.dedupeKey);
        return { status: "queued", noticeId: 4242 } as Awaited<ReturnType<QueueNotice>>;
      };
      await scanAndNotify(db, shop, new Date(opened.getTime() + 3_600_000), () => undefined, {}, queue);
      expect(queued).toEqual([]);
      await scanAndNotify(db, shop, new Date(opened.getTime() + 25 * 3_600_000), () => undefined, {}, queue);
      expect(queued).toHaveLength(1);
      expect(queued[0]).toMatch(/^delay:77:order:handling_time:/);
      expect((await db.delayCase.findUniqueOrThrow({ where: { id: caseRow.id } })).notifiedAt).not.toBeNull();
      // Released once: the next scan tells nobody again.
      await scanAndNotify(db, shop, new Date(opened.getTime() + 26 * 3_600_000), () => undefined, {}, queue);
      expect(queued).toHaveLength(1);
    } finally {
      await database.drop();
    }
  });
});
