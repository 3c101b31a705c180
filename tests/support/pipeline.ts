// A real pipeline for tests: the production HTTP server code on a free port,
// a fresh database, real Redis with a key prefix of its own, and a worker.
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Queue } from "bullmq";
import type { DbProvider } from "../../app/db.server.ts";
import type { AdminApi } from "../../app/shopify/admin-api.server.ts";
import { createWebhookQueue, producerConnection, workerConnection } from "../../app/jobs/queues.server.ts";
import { instancePrefix } from "../../app/jobs/instance.server.ts";
import { startWorker, type RunningWorker } from "../../app/jobs/worker.server.ts";
import {
  createWebhookReceiver,
  MAX_BODY_BYTES,
  type WebhookReceiver,
} from "../../app/webhooks/receive-webhook.server.ts";
import { driverEventSink } from "../../app/webhooks/event-sink.server.ts";
import { cachedInstallLookup } from "../../app/compliance/installed-shops.server.ts";
import { recordInstall } from "../../app/shops/record-install.server.ts";
import { closeServer, createAppServer } from "../../server/app-server.ts";
import { sendWebhook, type WebhookToSend } from "../../sandbox/webhooks/send-webhook.ts";
import { createTestDatabase, type TestDatabase } from "./databases.ts";
import { ROOT } from "../../scripts/lib/processes.ts";

export const TEST_SECRET = "test-app-secret";
export const TEST_SHOP = "kizuna-test.myshopify.com";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export function testPrefix(): string {
  return `kizuna-test-${process.pid}-${randomBytes(3).toString("hex")}`;
}

export interface Pipeline {
  database: TestDatabase;
  url: string;
  /** REDIS_PREFIX, as processes started against this pipeline get it. */
  prefix: string;
  /** The BullMQ prefix in use: REDIS_PREFIX and the database's instance key. */
  keyPrefix: string;
  queue: Queue;
  receiver: WebhookReceiver;
  worker: RunningWorker | null;
  send(topic: string, body: string | Buffer, extra?: Partial<WebhookToSend>): Promise<{ status: number; text: string }>;
  startWorker(): RunningWorker;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface PipelineOptions {
  redisUrl?: string;
  withWorker?: boolean;
  lockMs?: number;
  adminApiFor?: (shop: string) => Promise<AdminApi | null>;
  /** REDIS_PREFIX (default: a fresh one); two pipelines may share one, as two instances on one Redis. */
  prefix?: string;
  /** How long an owed reaction waits for its job before the worker's sweeper queues it. */
  reactionGraceMs?: number;
  /** Shops installed before the first webhook, as the app's install does (default: TEST_SHOP). */
  installedShops?: string[];
}

export async function startPipeline(provider: DbProvider, options: PipelineOptions = {}): Promise<Pipeline> {
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const database = await createTestDatabase(provider);
  // Webhooks of a shop that is not installed are not stored: install the test shops first.
  for (const shop of options.installedShops ?? [TEST_SHOP]) await recordInstall(database.db, shop, null);
  const prefix = options.prefix ?? testPrefix();
  const keyPrefix = await instancePrefix(database.db, prefix);
  const queue = createWebhookQueue(producerConnection(redisUrl), keyPrefix);
  const receiver = createWebhookReceiver({
    sink: driverEventSink(database.url),
    secret: TEST_SECRET,
    queue,
    installs: cachedInstallLookup(database.db),
    log: () => undefined,
  });
  const server: Server = createAppServer({ receiver, maxBodyBytes: MAX_BODY_BYTES });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;

  const pipeline: Pipeline = {
    database,
    url,
    prefix,
    keyPrefix,
    queue,
    receiver,
    worker: null,
    send: (topic, body, extra = {}) =>
      sendWebhook(url, { topic, shop: TEST_SHOP, body, eventId: randomUUID(), ...extra }, TEST_SECRET),
    startWorker() {
      pipeline.worker = startWorker({
        db: database.db,
        connection: workerConnection(redisUrl),
        prefix: keyPrefix,
        concurrency: 8,
        lockMs: options.lockMs ?? 5_000,
        sweepEveryMs: 200,
        ...(options.reactionGraceMs === undefined ? {} : { reactionGraceMs: options.reactionGraceMs }),
        adminApiFor: options.adminApiFor ?? (async () => null),
        log: () => undefined,
      });
      return pipeline.worker;
    },
    async stopWorker() {
      await pipeline.worker?.close();
      pipeline.worker = null;
    },
    async close() {
      await closeServer(server);
      await pipeline.stopWorker();
      await receiver.store.drain();
      await receiver.sink.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await database.drop();
    },
  };
  if (options.withWorker !== false) pipeline.startWorker();
  return pipeline;
}

/** Polls until `check` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Runs the ops CLI (`npm run ops -- …`) against the pipeline's database and Redis; resolves with its output. */
export function runOps(pipeline: Pipeline, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/ops.ts", ...args],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: pipeline.database.url, REDIS_URL, REDIS_PREFIX: pipeline.prefix },
      },
      (error, stdout, stderr) =>
        error ? reject(new Error(`ops ${args.join(" ")}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}
