// The one module that owns Redis and the BullMQ queues. Job payloads carry
// ids only (never tokens or personal data); every job has an explicit jobId.
// See docs/decisions/0004-queue-topology.md.
import { Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import { env } from "../env.server.ts";

export const QUEUE = {
  webhooks: "webhooks",
  sync: "sync",
} as const;

/** Job name → payload. */
export interface JobPayloads {
  /** webhooks queue: project one stored event. */
  "project-event": { eventRowId: number };
  /** sync queue: rebuild one shop's mirror from the Admin API. */
  "backfill-shop": { shop: string };
  /** sync queue, daily: a backfill for every installed shop. */
  "reconcile-shops": Record<string, never>;
}
export type JobName = keyof JobPayloads;

export const WEBHOOK_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1_000 },
  // Durable dedupe lives in the database; Redis keeps a bounded history only.
  removeOnComplete: { count: 1_000 },
  removeOnFail: { count: 5_000 },
};

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

export function queuePrefix(): string {
  return env().REDIS_PREFIX;
}

export function createWebhookQueue(
  connection: ConnectionOptions = producerConnection(),
  prefix = queuePrefix(),
): Queue {
  const queue = new Queue(QUEUE.webhooks, { connection, prefix, defaultJobOptions: WEBHOOK_JOB_OPTIONS });
  // Connection errors surface through add(); keep them off the process's error channel.
  queue.on("error", () => undefined);
  return queue;
}

export const SYNC_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: "exponential", delay: 30_000 },
  // Frees the job id, so the next install or daily run can queue it again.
  removeOnComplete: true,
  removeOnFail: { count: 1_000 },
};

export const DAILY_RECONCILE = { id: "reconcile-daily", pattern: "0 3 * * *" } as const;

export function createSyncQueue(connection: ConnectionOptions = producerConnection(), prefix = queuePrefix()): Queue {
  const queue = new Queue(QUEUE.sync, { connection, prefix, defaultJobOptions: SYNC_JOB_OPTIONS });
  queue.on("error", () => undefined);
  return queue;
}

/** One backfill per shop at a time: a second request while one waits is a no-op. */
export function backfillJob(shop: string): {
  name: "backfill-shop";
  data: JobPayloads["backfill-shop"];
  opts: JobsOptions;
} {
  return { name: "backfill-shop", data: { shop }, opts: { jobId: `backfill/${shop}` } };
}

/** BullMQ forbids ':' in custom ids; event keys use '/' separators only. */
export function webhookJob(
  eventRowId: number,
  key: string,
): { name: JobName; data: JobPayloads["project-event"]; opts: JobsOptions } {
  return { name: "project-event", data: { eventRowId }, opts: { jobId: key } };
}

/** Rejects after `ms`: a Redis that accepts the connection but never answers must not hold a webhook. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

let sharedQueue: Queue | undefined;
let sharedSyncQueue: Queue | undefined;

/** The web process's producer handle on the webhooks queue. */
export function webhookQueue(): Queue {
  sharedQueue ??= createWebhookQueue();
  return sharedQueue;
}

/** The web process's producer handle on the sync queue. */
export function syncQueue(): Queue {
  sharedSyncQueue ??= createSyncQueue();
  return sharedSyncQueue;
}
