// The worker: projects webhook events and sweeps stored events into the
// queue. Stateless; run as many as needed (server/worker.ts is the entry).
import { Worker, type ConnectionOptions, type Job } from "bullmq";
import type { Db } from "../db.server.ts";
import { processEvent } from "../webhooks/process-event.server.ts";
import { sweepEvents } from "../webhooks/sweep-events.server.ts";
import type { AdminApi } from "../shopify/admin-api.server.ts";
import { installedShops, syncShop } from "../sync/sync-shop.server.ts";
import {
  backfillJob,
  createSyncQueue,
  createWebhookQueue,
  DAILY_RECONCILE,
  QUEUE,
  WEBHOOK_JOB_OPTIONS,
  type JobPayloads,
} from "./queues.server.ts";

export interface WorkerOptions {
  db: Db;
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  /** How long a job is held before another worker may take it over after a crash. */
  lockMs: number;
  sweepEveryMs?: number;
  /** The Admin API as the shop's offline session; null when the shop has none (not installed). */
  adminApiFor: (shop: string) => Promise<AdminApi | null>;
  log?: (message: string) => void;
}

export interface RunningWorker {
  close(): Promise<void>;
}

export function startWorker(options: WorkerOptions): RunningWorker {
  const { db, log = console.log } = options;
  const attempts = WEBHOOK_JOB_OPTIONS.attempts ?? 1;
  const worker = new Worker<JobPayloads["project-event"]>(
    QUEUE.webhooks,
    async (job: Job<JobPayloads["project-event"]>) =>
      processEvent(db, job.data.eventRowId, job.attemptsMade + 1 >= (job.opts.attempts ?? attempts)),
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockMs,
      stalledInterval: options.lockMs,
      maxStalledCount: 3,
    },
  );
  worker.on("error", (error) => log(`worker: ${error.message}`));

  const queue = createWebhookQueue(options.connection, options.prefix);
  const sync = createSyncQueue(options.connection, options.prefix);
  const syncWorker = new Worker<JobPayloads["backfill-shop"] | JobPayloads["reconcile-shops"]>(
    QUEUE.sync,
    async (job) => {
      if (job.name === "reconcile-shops") {
        const shops = await installedShops(db);
        await sync.addBulk(shops.map(backfillJob));
        return { queued: shops.length };
      }
      const { shop } = job.data as JobPayloads["backfill-shop"];
      const api = await options.adminApiFor(shop);
      if (!api) return { skipped: "no offline session" };
      return syncShop(db, api, shop);
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: 2,
      lockDuration: Math.max(options.lockMs, 60_000),
    },
  );
  syncWorker.on("error", (error) => log(`sync worker: ${error.message}`));
  // Idempotent: every worker upserts the same scheduler.
  void sync
    .upsertJobScheduler(DAILY_RECONCILE.id, { pattern: DAILY_RECONCILE.pattern }, { name: "reconcile-shops", data: {} })
    .catch((error: Error) => log(`worker: could not schedule the daily reconciliation: ${error.message}`));
  let sweeping: Promise<void> | null = null;
  const sweeper = setInterval(() => {
    sweeping ??= sweepEvents(db, queue)
      .then((count) => void (count > 0 && log(`worker: swept ${count} stored event(s) into the queue`)))
      .catch((error: Error) => log(`worker: sweep failed: ${error.message}`))
      .finally(() => (sweeping = null));
  }, options.sweepEveryMs ?? 1_000);

  return {
    async close() {
      clearInterval(sweeper);
      await sweeping;
      // Waits for jobs in progress; jobs not started stay in Redis for the next worker.
      await Promise.all([worker.close(), syncWorker.close()]);
      await Promise.all([queue.close(), sync.close()]);
    },
  };
}
