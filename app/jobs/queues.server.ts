// The one module that owns Redis and the BullMQ queues: every queue, its job
// names and payload types, its job options and its job-id builders. Payloads
// carry ids only (never tokens or personal data); every job has an explicit
// jobId, built from row ids or encoded (jobIdPart), never raw input. Every key
// is under the database's own key space (instance.server.ts), so a job id is
// only ever a hint within one database's life; the database says what was done.
// See docs/decisions/0004-queue-topology.md and 0008-job-key-space.md.
import { Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import { db } from "../db.server.ts";
import { env } from "../env.server.ts";
import { NOTICE_MAX_ATTEMPTS } from "../notices/deliver-notice.server.ts";
import { instancePrefix } from "./instance.server.ts";

export const QUEUE = {
  webhooks: "webhooks",
  sync: "sync",
  reactions: "reactions",
  notices: "notices",
} as const;
export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

/** Job name → payload, for every queue. */
export interface JobPayloads {
  /** webhooks: project one stored event. */
  "project-event": { eventRowId: number };
  /** sync: rebuild one shop's mirror from the Admin API. */
  "backfill-shop": { shop: string };
  /** sync, daily: a backfill for every installed shop. */
  "reconcile-shops": Record<string, never>;
  /** sync, scheduled: a receipts poll for every linked Etsy shop (app/etsy). */
  "poll-etsy-shops": Record<string, never>;
  /** sync: mirror one linked Etsy shop's changed receipts. */
  "poll-etsy-shop": { shop: string };
  /** sync, hourly: an analytics refresh for every installed shop (app/analytics). */
  "refresh-analytics-all": Record<string, never>;
  /** sync: recompute one shop's analytics rollups: `days` (shop-local YYYY-MM-DD), else the recent and touched days. */
  "refresh-analytics": { shop: string; days?: string[] };
  /** reactions: what Kizuna does about one processed event (WebhookEvent.reaction). */
  "react-to-event": { eventRowId: number };
  /** reactions: one wave of a restock episode. */
  "restock-wave": { shop: string; episodeId: number; round: number };
  /** reactions, scheduled (every shop) and after a shop's backfill (that shop): silence no webhook reports. */
  "scan-delays": { shop?: string };
  /** reactions, scheduled: restocks whose inventory webhook never came (Shopify does not guarantee it). */
  "reconcile-inventory": Record<string, never>;
  /** reactions, scheduled: notices whose delivery job was lost, reactions whose job was lost. */
  "sweep-notices": Record<string, never>;
  "recover-money-actions": Record<string, never>;
  /** reactions, scheduled: snoozed conversations whose time came back to the inbox (shop time was applied when snoozed). */
  "wake-snoozed": Record<string, never>;
  /** notices: deliver one notice. */
  "send-notice": { noticeId: number };
  /** notices: deliver a batch (a restock wave's). */
  "send-notices": { noticeIds: number[] };
}
export type JobName = keyof JobPayloads;

/** A job ready for `queue.add(job.name, job.data, job.opts)` or `addBulk`. */
export interface JobSpec<N extends JobName> {
  name: N;
  data: JobPayloads[N];
  opts: JobsOptions & { jobId: string };
}

/**
 * A piece of a job id from text that may hold anything (a shop domain, an id
 * from a header): BullMQ refuses ':' in custom ids, and '/' is our separator.
 */
export function jobIdPart(text: string): string {
  return encodeURIComponent(text);
}

// ---- webhooks ----

export const WEBHOOK_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1_000 },
  // A finished job's id must not stand for "done": the database says that (a
  // processed event is a no-op), so the id is freed at once.
  removeOnComplete: true,
  removeOnFail: { count: 5_000 },
};

/** The job id of a stored event: its row id, never its key (which carries Shopify's header as sent). */
export function webhookJobId(eventRowId: number): string {
  return `event/${eventRowId}`;
}

export function webhookJob(eventRowId: number): JobSpec<"project-event"> {
  return { name: "project-event", data: { eventRowId }, opts: { jobId: webhookJobId(eventRowId) } };
}

// ---- sync ----

export const SYNC_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: "exponential", delay: 30_000 },
  // Frees the job id, so the next install or daily run can queue it again.
  removeOnComplete: true,
  removeOnFail: { count: 1_000 },
};

export const DAILY_RECONCILE = { id: "reconcile-daily", pattern: "0 3 * * *" } as const;

/** One backfill per shop at a time: a second request while one waits is a no-op. */
export function backfillJob(shop: string): JobSpec<"backfill-shop"> {
  return { name: "backfill-shop", data: { shop }, opts: { jobId: `backfill/${jobIdPart(shop)}` } };
}

/** Etsy receipts every 5 minutes: Etsy has no webhooks for them (its limits allow far more). */
export const ETSY_POLL_SCHEDULE = { id: "poll-etsy", pattern: "*/5 * * * *" } as const;

/** One receipts poll per linked shop at a time: its cursor and token refresh are never raced. */
export function pollEtsyShopJob(shop: string): JobSpec<"poll-etsy-shop"> {
  return { name: "poll-etsy-shop", data: { shop }, opts: { jobId: `etsy-poll/${jobIdPart(shop)}` } };
}

/** Analytics rollups every hour (figures of the last week and of conversations touched since). */
export const ANALYTICS_SCHEDULE = { id: "refresh-analytics", pattern: "7 * * * *" } as const;

/** One refresh per shop and request: `at` (epoch ms) names it, so a retried fan-out adds it once. */
export function refreshAnalyticsJob(shop: string, at: number, days?: string[]): JobSpec<"refresh-analytics"> {
  return {
    name: "refresh-analytics",
    data: { shop, ...(days ? { days } : {}) },
    opts: { jobId: `analytics/${jobIdPart(shop)}/${at}` },
  };
}

// ---- reactions ----

export const REACTION_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 5_000 },
  // The database records what a reaction did (WebhookEvent.reaction, claimed
  // alerts, notices); a finished job frees its id, so it never hides owed work.
  removeOnComplete: true,
  removeOnFail: { count: 5_000 },
};

export const SCHEDULES = [
  { id: "scan-delays", name: "scan-delays", pattern: "*/30 * * * *" },
  { id: "reconcile-inventory", name: "reconcile-inventory", pattern: "15 * * * *" },
  { id: "sweep-notices", name: "sweep-notices", pattern: "* * * * *" },
  // Money actions whose call lost its answer (a crash, Shopify away): checked against Shopify and finished.
  { id: "recover-money-actions", name: "recover-money-actions", pattern: "* * * * *" },
  { id: "wake-snoozed", name: "wake-snoozed", pattern: "* * * * *" },
] as const satisfies readonly { id: string; name: JobName; pattern: string }[];

export function reactJobId(eventRowId: number): string {
  return `react/${eventRowId}`;
}

export function reactJob(eventRowId: number): JobSpec<"react-to-event"> {
  return { name: "react-to-event", data: { eventRowId }, opts: { jobId: reactJobId(eventRowId) } };
}

/** Milliseconds between restock waves: shoppers told in one wave get a head start on the next. */
export const WAVE_INTERVAL_MS = 60_000;

export function restockWaveJob(shop: string, episodeId: number, round: number): JobSpec<"restock-wave"> {
  return {
    name: "restock-wave",
    data: { shop, episodeId, round },
    opts: { jobId: `restock-wave/${episodeId}/${round}`, ...(round > 0 ? { delay: WAVE_INTERVAL_MS } : {}) },
  };
}

/** A delay scan of `shop`, once its backfill has filled the mirror: the Delays page is current right after install. */
export function scanShopDelaysJob(shop: string, at: Date): JobSpec<"scan-delays"> {
  return { name: "scan-delays", data: { shop }, opts: { jobId: `scan-delays/${jobIdPart(shop)}/${at.getTime()}` } };
}

// ---- notices ----

export const NOTICE_JOB_OPTIONS: JobsOptions = {
  attempts: NOTICE_MAX_ATTEMPTS,
  backoff: { type: "exponential", delay: 30_000 },
  // Frees the job id, so a resend can queue `notice/<id>` again; the database keeps the history.
  removeOnComplete: true,
  removeOnFail: { count: 5_000 },
};

/** BullMQ takes jobs without a priority first: single notices overtake a wave's batches. */
export const NOTICE_BATCH_PRIORITY = 10;

export function noticeJobId(noticeId: number): string {
  return `notice/${noticeId}`;
}

export function sendNoticeJob(noticeId: number, delayMs = 0): JobSpec<"send-notice"> {
  return {
    name: "send-notice",
    data: { noticeId },
    opts: { jobId: noticeJobId(noticeId), ...(delayMs > 0 ? { delay: delayMs } : {}) },
  };
}

/** A batch, named by its notices and its time (epoch ms), so adding it twice adds it once. */
export function sendNoticesJob(noticeIds: readonly number[], at: number | undefined, delayMs: number) {
  const first = noticeIds[0];
  const last = noticeIds[noticeIds.length - 1];
  return {
    name: "send-notices",
    data: { noticeIds: [...noticeIds] },
    opts: {
      jobId: `notices/${first}-${last}-${noticeIds.length}${at === undefined ? "" : `@${at}`}`,
      priority: NOTICE_BATCH_PRIORITY,
      ...(delayMs > 0 ? { delay: delayMs } : {}),
    },
  } satisfies JobSpec<"send-notices">;
}

// ---- connections ----

function redisOptions(url: string): {
  host: string;
  port: number;
  password?: string;
  username?: string;
  db?: number;
  tls?: object;
} {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.pathname.length > 1 ? { db: Number(parsed.pathname.slice(1)) } : {}),
    ...(parsed.protocol === "rediss:" ? { tls: {} } : {}),
  };
}

/**
 * Connection for request paths: fail fast instead of queueing commands while
 * Redis is away, so a webhook still answers within Shopify's 5 s (the event is
 * already stored; the sweeper enqueues it later).
 */
export function producerConnection(url = env().REDIS_URL): ConnectionOptions {
  return {
    ...redisOptions(url),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  };
}

/** Connection for workers: wait for Redis as long as it takes. */
export function workerConnection(url = env().REDIS_URL): ConnectionOptions {
  return {
    ...redisOptions(url),
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  };
}

// ---- queues ----

const OPTIONS_OF: Record<QueueName, JobsOptions> = {
  webhooks: WEBHOOK_JOB_OPTIONS,
  sync: SYNC_JOB_OPTIONS,
  reactions: REACTION_JOB_OPTIONS,
  notices: NOTICE_JOB_OPTIONS,
};

/**
 * A producer handle on one queue. `prefix` is the key space: instancePrefix(db,
 * REDIS_PREFIX) for the app, a throw-away one in tests and benchmarks.
 */
export function createQueue(name: QueueName, connection: ConnectionOptions, prefix: string): Queue {
  const queue = new Queue(name, { connection, prefix, defaultJobOptions: OPTIONS_OF[name] });
  // Connection errors surface through add(); keep them off the process's error channel.
  queue.on("error", () => undefined);
  return queue;
}

export const createWebhookQueue = (connection: ConnectionOptions, prefix: string) =>
  createQueue(QUEUE.webhooks, connection, prefix);
export const createNoticeQueue = (connection: ConnectionOptions, prefix: string) =>
  createQueue(QUEUE.notices, connection, prefix);

/** Rejects after `ms`: a Redis that accepts the connection but never answers must not hold a webhook. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---- the web process's shared producer handles ----

let keySpace: Promise<string> | undefined;

/** This process's key space: REDIS_PREFIX and the app database's instance key (read once). */
export function appKeySpace(): Promise<string> {
  keySpace ??= instancePrefix(db(), env().REDIS_PREFIX).catch((error: unknown) => {
    keySpace = undefined; // the database was away: the next call tries again
    throw error;
  });
  return keySpace;
}

const shared = new Map<QueueName, Promise<Queue>>();

function sharedQueue(name: QueueName): Promise<Queue> {
  let queue = shared.get(name);
  if (!queue) {
    queue = appKeySpace().then((prefix) => createQueue(name, producerConnection(), prefix));
    queue.catch(() => shared.delete(name));
    shared.set(name, queue);
  }
  return queue;
}

/** The web process's producer handle on the webhooks queue. */
export const webhookQueue = () => sharedQueue(QUEUE.webhooks);
/** The web process's producer handle on the sync queue. */
export const syncQueue = () => sharedQueue(QUEUE.sync);
/** The web process's producer handle on the reactions queue (a restock wave the seller starts). */
export const reactionQueue = () => sharedQueue(QUEUE.reactions);
/** The web process's producer handle on the notices queue. */
export const noticeQueue = () => sharedQueue(QUEUE.notices);

/** Closes the shared handles that were opened (graceful stop). */
export async function closeSharedQueues(): Promise<void> {
  const open = [...shared.values()];
  shared.clear();
  await Promise.all(open.map((queue) => queue.then((q) => q.close()).catch(() => undefined)));
}
