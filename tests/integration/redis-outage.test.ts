// No webhook is lost while Redis is down: deliveries are stored and answered
// 200, and the sweeper enqueues them once Redis is back.
import { afterAll, beforeAll, expect, it } from "vitest";
import { API_VERSION } from "../../app/webhooks/topics.ts";
import { examplePayload } from "../../sandbox/webhooks/example-payloads.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { startPipeline, waitFor, type Pipeline } from "../support/pipeline.ts";
import { freePort, OwnRedis } from "../support/redis-server.ts";

describeEachDatabase("Redis outage", (provider) => {
  let redis: OwnRedis;
  let pipeline: Pipeline;
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

  it("answers 200 while Redis is down and processes everything after it restarts", async () => {
    const db = pipeline.database.db;
    await redis.stop();
    const body = examplePayload("customers/update", API_VERSION);
    const answers = [];
    for (let i = 0; i < 20; i++)
      answers.push(await pipeline.send("customers/update", body.replaceAll("706405506930370084", String(7000 + i))));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(await db.webhookEvent.count()).toBe(20);
    expect(await db.webhookEvent.count({ where: { status: "received" } })).toBe(20);

    await redis.start();
    await waitFor(
      "all 20 processed",
      async () => (await db.webhookEvent.count({ where: { status: "processed" } })) === 20,
      60_000,
    );
    expect(await db.customer.count()).toBe(20);
  });
});
