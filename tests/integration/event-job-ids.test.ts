// Any X-Shopify-Event-Id that the receiver stores can be queued: job ids are
// built from row ids, never from the header. And one row that Redis refuses
// never blocks a sweep: it is marked failed with its reason (shown by `ops
// events`), and the rows after it are queued. Real HTTP, Redis, both databases.
import { Queue } from "bullmq";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sweepEvents } from "../../app/webhooks/sweep-events.server.ts";
import { API_VERSION } from "../../app/webhooks/topics.ts";
import { producerConnection, QUEUE } from "../../app/jobs/queues.server.ts";
import { examplePayload } from "../../sandbox/webhooks/example-payloads.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { runOps, startPipeline, waitFor, type Pipeline } from "../support/pipeline.ts";
import { freePort, OwnRedis } from "../support/redis-server.ts";

/** Ids a sender could put in the header: BullMQ refuses ':' in a custom job id. */
const HOSTILE_IDS = [
  "evt:1",
  "gid://shopify/Event/123:456",
  ":",
  "e".repeat(2_000),
  // UTF-8 bytes as they arrive in a header (Node reads header bytes as latin1).
  Buffer.from("イベント:日本語", "utf8").toString("latin1"),
  "a/b/c",
  "with spaces : and more",
  "100",
];

describeEachDatabase("event job ids", (provider) => {
  let redis: OwnRedis;
  let pipeline: Pipeline;
  let customer = 8_000;
  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    pipeline = await startPipeline(provider, { redisUrl: redis.url });
  });
  afterAll(async () => {
    await redis.start().catch(() => undefined);
    await pipeline?.close();
    await redis.stop();
  });

  const db = () => pipeline.database.db;
  const body = examplePayload("customers/update", API_VERSION);
  /** A customers/update for a new customer, with the given event id. */
  const send = (eventId: string) =>
    pipeline.send("customers/update", body.replaceAll("706405506930370084", String(customer++)), { eventId });
  const processed = () => db().webhookEvent.count({ where: { status: "processed" } });

  it("queues and processes events whatever their id, directly and through the sweeper", async () => {
    // Redis up: the receiver enqueues at once.
    for (const id of HOSTILE_IDS) expect((await send(`direct-${id}`)).status).toBe(200);
    expect((await send("direct-plain")).status).toBe(200);
    const direct = HOSTILE_IDS.length + 1;
    await waitFor(`${direct} processed`, async () => (await processed()) === direct, 30_000);

    // Redis down: the rows wait for the sweeper, hostile ids first (the oldest rows).
    await redis.stop();
    for (const id of HOSTILE_IDS) expect((await send(`swept-${id}`)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await send(`swept-plain-${i}`)).status).toBe(200);
    const total = direct + HOSTILE_IDS.length + 5;
    expect(await db().webhookEvent.count({ where: { status: "received" } })).toBe(total - direct);
    await redis.start();
    await waitFor(`all ${total} processed`, async () => (await processed()) === total, 60_000);
    expect(await db().webhookEvent.count({ where: { status: { not: "processed" } } })).toBe(0);
    expect(await db().customer.count()).toBe(total);
  });

  it("marks a row Redis refuses as failed with the reason and queues the others", async () => {
    await pipeline.stopWorker();
    await redis.stop();
    const before = await db().webhookEvent.count();
    for (let i = 0; i < 4; i++) expect((await send(`refused-${i}`)).status).toBe(200);
    await redis.start();
    const rows = await db().webhookEvent.findMany({ where: { status: "received" }, orderBy: { id: "asc" } });
    expect(rows).toHaveLength(4);
    const refused = rows[1]!;

    // Redis answers, but refuses one job (as it refused ids with ':' before).
    class RefusingQueue extends Queue {
      override async add(...args: Parameters<Queue["add"]>) {
        if ((args[1] as { eventRowId?: number }).eventRowId === refused.id)
          throw new Error("Custom Id cannot contain :");
        return super.add(...args);
      }
      override async addBulk(jobs: Parameters<Queue["addBulk"]>[0]) {
        if (jobs.some((job) => (job.data as { eventRowId?: number }).eventRowId === refused.id))
          throw new Error("Custom Id cannot contain :");
        return super.addBulk(jobs);
      }
    }
    const queue = new RefusingQueue(QUEUE.webhooks, {
      connection: producerConnection(redis.url),
      prefix: pipeline.keyPrefix,
    });
    try {
      expect(await sweepEvents(db(), queue, { graceMs: 0 })).toBe(3);
      // The next sweep does not meet it again: it is failed, not received.
      expect(await sweepEvents(db(), queue, { graceMs: 0 })).toBe(0);
    } finally {
      await queue.close();
    }
    const failed = await db().webhookEvent.findUniqueOrThrow({ where: { id: refused.id } });
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toMatch(/could not be queued: Custom Id cannot contain :/);
    const listed = JSON.parse(await runOps(pipeline, ["events", "--status", "failed", "--json"])) as {
      id: number;
      lastError: string;
    }[];
    expect(listed).toEqual([expect.objectContaining({ id: refused.id, lastError: failed.lastError })]);

    pipeline.startWorker();
    await waitFor(
      "the other three processed",
      async () => (await db().webhookEvent.count({ where: { status: "processed" } })) === before + 3,
      30_000,
    );
  });
});
