// A worker killed with SIGKILL in the middle of a batch loses nothing: its
// jobs are taken over by the next worker once their lock expires, and
// processing twice changes nothing.
import { afterAll, beforeAll, expect, it } from "vitest";
import { API_VERSION } from "../../app/webhooks/topics.ts";
import { examplePayload } from "../../sandbox/webhooks/example-payloads.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { REDIS_URL, startPipeline, waitFor, type Pipeline } from "../support/pipeline.ts";
import { baseEnv, startProcess, waitForExit } from "../../scripts/lib/processes.ts";

const EVENTS = 400;

describeEachDatabase("worker crash", (provider) => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await startPipeline(provider, { withWorker: false });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it("processes every event after a SIGKILL mid-batch", async () => {
    const db = pipeline.database.db;
    const template = examplePayload("orders/create", API_VERSION);
    for (let i = 0; i < EVENTS; i++) {
      // The id and the GID both carry it; each event is a different order.
      const body = template.replaceAll("820982911946154508", String(900000000000000000n + BigInt(i)));
      expect((await pipeline.send("orders/create", body)).status).toBe(200);
    }
    const env = baseEnv({
      DATABASE_URL: pipeline.database.url,
      REDIS_URL,
      REDIS_PREFIX: pipeline.prefix,
      WORKER_LOCK_MS: "2000",
      WORKER_CONCURRENCY: "4",
    });
    const processed = () => db.webhookEvent.count({ where: { status: "processed" } });

    const first = startProcess("server/worker.ts", env);
    await waitFor("some events processed", async () => (await processed()) > 0, 60_000);
    first.kill("SIGKILL");
    await waitForExit(first);
    const atKill = await processed();
    expect(atKill).toBeLessThan(EVENTS); // it really died mid-batch

    const second = startProcess("server/worker.ts", env);
    try {
      await waitFor(`all ${EVENTS} processed`, async () => (await processed()) === EVENTS, 120_000);
    } finally {
      second.kill("SIGTERM");
      await waitForExit(second);
    }
    expect(await db.order.count()).toBe(EVENTS);
    expect(await db.webhookEvent.count({ where: { status: { not: "processed" } } })).toBe(0);
    // Two worker starts and the waits above: more than the default test timeout on a busy machine.
  }, 240_000);
});
