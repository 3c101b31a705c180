// The worker: projects webhook events and sweeps stored events into the
// queue. Stateless; run as many as needed (server/worker.ts is the entry).
import { Worker, type ConnectionOptions, type Job, type Queue } from "bullmq";
import type { Db } from "../db.server.ts";
import { processEvent } from "../webhooks/process-event.server.ts";
import { sweepEvents } from "../webhooks/sweep-events.server.ts";
import type { AdminApi } from "../shopify/admin-api.server.ts";
import type { DeliveryDeps } from "../notices/deliver-notice.server.ts";
import { noticeProcessor } from "../notices/notice-queue.server.ts";
import type { ScanOptions } from "../delays/scan-delays.server.ts";
import { fillMissingOrderSearch } from "../orders/order-search.server.ts";
import { REACTION_GRACE_MS, reactionProcessor, sweepReactions } from "./reactions.server.ts";
import { installedShops, syncShop } from "../sync/sync-shop.server.ts";
import type { EtsyDeps } from "../etsy/oauth.server.ts";
import { linkedEtsyShops, pollEtsyShop } from "../etsy/poll-receipts.server.ts";
import { refreshShopAnalytics, ANALYTICS_OVERLAP_MS } from "../analytics/refresh.server.ts";
import {
  ANALYTICS_SCHEDULE,
  backfillJob,
  createQueue,
  DAILY_RECONCILE,
  ETSY_POLL_SCHEDULE,
  pollEtsyShopJob,
  QUEUE,
  refreshAnalyticsJob,
  reactJob,
  scanShopDelaysJob,
  SCHEDULES,
  WEBHOOK_JOB_OPTIONS,
  type JobPayloads,
} from "./queues.server.ts";

export interface WorkerOptions {
  db: Db;
  connection: ConnectionOptions;
  /** The key space: instancePrefix(db, REDIS_PREFIX) (see instance.server.ts). */
  prefix: string;
  concurrency: number;
  /** How long a job is held before another worker may take it over after a crash. */
  lockMs: number;
  sweepEveryMs?: number;
  /** How long an owed reaction waits for its job before the sweeper queues it again. */
  reactionGraceMs?: number;
  /**
   * Called once an event's processed mark is committed, before its reaction is
   * queued. Production passes nothing; the crash test's worker entry dies here.
   */
  afterCommit?: (eventRowId: number) => void;
  /** The Admin API as the shop's offline session; null when the shop has none (not installed). */
  adminApiFor: (shop: string) => Promise<AdminApi | null>;
  /** Mailer, SMS provider and links for notices; absent = this worker does not deliver notices. */
  delivery?: DeliveryDeps;
  scanOptions?: ScanOptions;
  /** Etsy's API for the receipts poll; absent = Etsy is not set up (no poll is scheduled). */
  etsy?: EtsyDeps | null;
  log?: (message: string) => void;
}

export interface RunningWorker {
  close(): Promise<void>;
}

/** Notices delivered at once per worker process (each mostly waits on SMTP). */
export const NOTICE_CONCURRENCY = 20;

export interface NoticeWorkerOptions {
  db: Db;
  connection: ConnectionOptions;
  prefix: string;
  lockMs: number;
  delivery: DeliveryDeps;
  /** The notices queue: a batch puts back what it cannot send now. */
  queue: Queue;
  concurrency?: number;
}

/** The notices queue's worker, as startWorker runs it (the restock benchmark runs it alone). */
export function startNoticeWorker(options: NoticeWorkerOptions): Worker {
  return new Worker(QUEUE.notices, noticeProcessor(options.db, options.delivery, options.queue), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? NOTICE_CONCURRENCY,
    lockDuration: options.lockMs,
  });
}

export function startWorker(options: WorkerOptions): RunningWorker {
  const { db, log = console.log } = options;
  const attempts = WEBHOOK_JOB_OPTIONS.attempts ?? 1;
  const reactions = createQueue(QUEUE.reactions, options.connection, options.prefix);
  const notices = createQueue(QUEUE.notices, options.connection, options.prefix);
  const worker = new Worker<JobPayloads["project-event"]>(
    QUEUE.webhooks,
    async (job: Job<JobPayloads["project-event"]>) => {
      const { outcome, reactionOwed } = await processEvent(
        db,
        job.data.eventRowId,
        job.attemptsMade + 1 >= (job.opts.attempts ?? attempts),
      );
      // What to do about it runs as its own job (retried on its own). Owed is
      // the database's word: a retry after a crash right here finds the event
      // "already processed" and its reaction still owed, and queues it.
      if (reactionOwed) {
        options.afterCommit?.(job.data.eventRowId);
        const react = reactJob(job.data.eventRowId);
        await reactions.add(react.name, react.data, react.opts);
      }
      return outcome;
    },
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

  const queue = createQueue(QUEUE.webhooks, options.connection, options.prefix);
  const sync = createQueue(QUEUE.sync, options.connection, options.prefix);
  const syncWorker = new Worker<JobPayloads["backfill-shop"] | JobPayloads["reconcile-shops"]>(
    QUEUE.sync,
    async (job) => {
      if (job.name === "poll-etsy-shops") {
        const shops = await linkedEtsyShops(db);
        await sync.addBulk(shops.map(pollEtsyShopJob));
        return { queued: shops.length };
      }
      if (job.name === "poll-etsy-shop") {
        if (!options.etsy) return { skipped: "Etsy is not set up" };
        return pollEtsyShop(db, options.etsy, (job.data as JobPayloads["poll-etsy-shop"]).shop);
      }
      if (job.name === "refresh-analytics-all") {
        const at = job.timestamp;
        const shops = await installedShops(db);
        await sync.addBulk(shops.map((shop) => refreshAnalyticsJob(shop, at)));
        return { queued: shops.length };
      }
      if (job.name === "refresh-analytics") {
        const { shop, days } = job.data as JobPayloads["refresh-analytics"];
        return refreshShopAnalytics(db, shop, new Date(), days, ANALYTICS_OVERLAP_MS);
      }
      if (job.name === "reconcile-shops") {
        const shops = await installedShops(db);
        await sync.addBulk(shops.map(backfillJob));
        return { queued: shops.length };
      }
      const { shop } = job.data as JobPayloads["backfill-shop"];
      const api = await options.adminApiFor(shop);
      if (!api) return { skipped: "no offline session" };
      const summary = await syncShop(db, api, shop);
      const scan = scanShopDelaysJob(shop, new Date());
      await reactions.add(scan.name, scan.data, scan.opts);
      // The backfilled history reaches the Analytics page now, not at the next hourly refresh.
      const analytics = refreshAnalyticsJob(shop, Date.now());
      await sync.add(analytics.name, analytics.data, analytics.opts);
      return summary;
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: 2,
      lockDuration: Math.max(options.lockMs, 60_000),
    },
  );
  syncWorker.on("error", (error) => log(`sync worker: ${error.message}`));
  const reactionDeps = {
    db,
    reactions,
    notices,
    now: () => new Date(),
    adminApiFor: options.adminApiFor,
    scanOptions: options.scanOptions ?? {},
    smsOn: options.delivery?.sms != null,
  };
  const reactionWorker = new Worker(QUEUE.reactions, reactionProcessor(reactionDeps), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: 4,
    lockDuration: Math.max(options.lockMs, 60_000),
  });
  reactionWorker.on("error", (error) => log(`reactions worker: ${error.message}`));
  const noticeWorker = options.delivery
    ? startNoticeWorker({
        db,
        connection: options.connection,
        prefix: options.prefix,
        lockMs: options.lockMs,
        delivery: options.delivery,
        queue: notices,
      })
    : null;
  noticeWorker?.on("error", (error) => log(`notices worker: ${error.message}`));
  for (const schedule of SCHEDULES) {
    void reactions
      .upsertJobScheduler(schedule.id, { pattern: schedule.pattern }, { name: schedule.name, data: {} })
      .catch((error: Error) => log(`worker: could not schedule ${schedule.id}: ${error.message}`));
  }
  // Idempotent: every worker upserts the same scheduler.
  void sync
    .upsertJobScheduler(DAILY_RECONCILE.id, { pattern: DAILY_RECONCILE.pattern }, { name: "reconcile-shops", data: {} })
    .catch((error: Error) => log(`worker: could not schedule the daily reconciliation: ${error.message}`));
  void sync
    .upsertJobScheduler(
      ANALYTICS_SCHEDULE.id,
      { pattern: ANALYTICS_SCHEDULE.pattern },
      { name: "refresh-analytics-all", data: {} },
    )
    .catch((error: Error) => log(`worker: could not schedule the analytics refresh: ${error.message}`));
  // And once at start (named by the hour, so workers starting together add one): the page is filled
  // without waiting for the schedule's first run.
  void sync
    .add("refresh-analytics-all", {}, { jobId: `analytics-start/${Math.floor(Date.now() / 3_600_000)}` })
    .catch((error: Error) => log(`worker: could not queue the analytics refresh: ${error.message}`));
  if (options.etsy)
    void sync
      .upsertJobScheduler(
        ETSY_POLL_SCHEDULE.id,
        { pattern: ETSY_POLL_SCHEDULE.pattern },
        { name: "poll-etsy-shops", data: {} },
      )
      .catch((error: Error) => log(`worker: could not schedule the Etsy receipts poll: ${error.message}`));
  // Orders mirrored before Order.searchText existed (migration 0011) become searchable.
  let closing = false;
  const filling = fillMissingOrderSearch(db, { stopped: () => closing })
    .then((count) => void (count > 0 && log(`worker: made ${count} earlier order(s) searchable`)))
    .catch((error: Error) => log(`worker: could not fill the orders' search text: ${error.message}`));
  let sweeping: Promise<void> | null = null;
  const sweeper = setInterval(() => {
    sweeping ??= sweepEvents(db, queue, { log })
      .then((count) => void (count > 0 && log(`worker: swept ${count} stored event(s) into the queue`)))
      .then(() => sweepReactions(db, reactions, new Date(), options.reactionGraceMs ?? REACTION_GRACE_MS))
      .then((count) => void (count > 0 && log(`worker: queued ${count} owed reaction(s) whose job was lost`)))
      .catch((error: Error) => log(`worker: sweep failed: ${error.message}`))
      .finally(() => (sweeping = null));
  }, options.sweepEveryMs ?? 1_000);

  return {
    async close() {
      clearInterval(sweeper);
      closing = true;
      await sweeping;
      await filling;
      // Waits for jobs in progress; jobs not started stay in Redis for the next worker.
      await Promise.all([worker.close(), syncWorker.close(), reactionWorker.close(), noticeWorker?.close()]);
      await Promise.all([queue.close(), sync.close(), reactions.close(), notices.close()]);
    },
  };
}
