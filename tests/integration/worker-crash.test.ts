// A worker killed with SIGKILL in the middle of a batch loses nothing: its
// jobs are taken over by the next worker once their lock expires, and
// processing twice changes nothing. Nor does a kill between an event's commit
// and the queueing of its reaction lose what the reaction does: the order-update
// notices it causes are all there and each reaches the mail sink once.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startMailSink, type MailSink } from "../../sandbox/mail/mail-sink.ts";
import { API_VERSION } from "../../app/webhooks/topics.ts";
import { examplePayload } from "../../sandbox/webhooks/example-payloads.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { REDIS_URL, startPipeline, TEST_SHOP, waitFor, type Pipeline } from "../support/pipeline.ts";
import { baseEnv, startProcess, waitForExit } from "../../scripts/lib/processes.ts";

const EVENTS = 400;
const PARCELS = 30;

describeEachDatabase("worker crash", (provider) => {
  let pipeline: Pipeline;
  let sink: MailSink;
  beforeAll(async () => {
    pipeline = await startPipeline(provider, { withWorker: false });
    sink = await startMailSink();
  });
  afterAll(async () => {
    await pipeline?.close();
    await sink?.close();
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

  it("sends every order-update notice once when the worker dies between an event's commit and its reaction", async () => {
    const db = pipeline.database.db;
    await db.webhookEvent.deleteMany({});
    await db.shopSettings.upsert({
      where: { shop: TEST_SHOP },
      create: { shop: TEST_SHOP, quietStart: "00:00", quietEnd: "00:00", noticeKinds: '{"order_shipped":true}' },
      update: { quietStart: "00:00", quietEnd: "00:00", noticeKinds: '{"order_shipped":true}' },
    });
    const order = (i: number) => String(910000000000000000n + BigInt(i));
    const orderTemplate = examplePayload("orders/create", API_VERSION);
    const scanTemplate = examplePayload("fulfillment_events/create", API_VERSION);
    // The orders first, each of its own customer, projected by a worker of the test's own.
    for (let i = 0; i < PARCELS; i++) {
      const body = orderTemplate
        .replaceAll("820982911946154508", order(i))
        .replaceAll("115310627314723954", String(720000000000000000n + BigInt(i)))
        .replace(/"(jon|john)@example\.com"/g, `"buyer${i}@example.com"`)
        .replaceAll('"#9999"', `"#${5000 + i}"`)
        // Shopify's example order is cancelled, and a cancelled order gets no parcel notices.
        .replace(/"cancelled_at":"[^"]*"/, '"cancelled_at":null')
        .replace(/"cancel_reason":"[^"]*"/, '"cancel_reason":null');
      expect((await pipeline.send("orders/create", body)).status).toBe(200);
    }
    pipeline.startWorker();
    await waitFor(
      "the orders",
      async () => (await db.order.count({ where: { id: { startsWith: "91" } } })) === PARCELS,
    );
    await waitFor(
      "the orders' reactions",
      async () => (await db.webhookEvent.count({ where: { reaction: { not: "done" } } })) === 0,
    );
    await pipeline.stopWorker();

    // One carrier scan per order: each is owed an "order shipped" notice.
    for (let i = 0; i < PARCELS; i++) {
      const body = scanTemplate
        .replaceAll(/"order_id":\d+/g, `"order_id":${order(i)}`)
        .replace('"fulfillment_id":123456', `"fulfillment_id":${640000 + i}`)
        .replaceAll("1234567", String(650000 + i));
      expect((await pipeline.send("fulfillment_events/create", body)).status).toBe(200);
    }
    const env = baseEnv({
      DATABASE_URL: pipeline.database.url,
      REDIS_URL,
      REDIS_PREFIX: pipeline.prefix,
      SMTP_URL: sink.url,
      WORKER_LOCK_MS: "2000",
      WORKER_CONCURRENCY: "4",
      REACTION_GRACE_MS: "1000",
    });
    // Dies right after the 5th scan's processed mark is committed, before its reaction is queued.
    const first = startProcess("tests/support/crash-worker.ts", { ...env, CRASH_AFTER_COMMITS: "5" });
    expect(await waitForExit(first)).toBeNull(); // killed by its signal
    const committed = await db.webhookEvent.count({
      where: { topic: "fulfillment_events/create", status: "processed" },
    });
    expect(committed).toBeGreaterThanOrEqual(5);
    expect(committed).toBeLessThan(PARCELS);

    const second = startProcess("tests/support/crash-worker.ts", env);
    const shipped = () => db.notice.count({ where: { shop: TEST_SHOP, kind: "order_shipped" } });
    try {
      await waitFor(
        "every scan processed and reacted to",
        async () => (await db.webhookEvent.count({ where: { reaction: { not: "done" } } })) === 0,
        120_000,
      );
      await waitFor(`${PARCELS} order-shipped notices`, async () => (await shipped()) === PARCELS, 60_000);
      await waitFor(
        "the notices to be delivered",
        async () =>
          (await db.notice.count({
            where: { kind: "order_shipped", status: { in: ["queued", "deferred", "sending"] } },
          })) === 0,
        60_000,
      );
    } finally {
      second.kill("SIGTERM");
      await waitForExit(second);
    }
    const notices = await db.notice.findMany({ where: { shop: TEST_SHOP, kind: "order_shipped" } });
    // None missing: one per parcel, and each sent.
    expect(notices.map((notice) => notice.dedupeKey).sort()).toEqual(
      Array.from({ length: PARCELS }, (_, i) => `order_shipped:${640000 + i}`).sort(),
    );
    expect(notices.filter((notice) => notice.status !== "sent")).toEqual([]);
    // Each reached the sink once (a notice's mail carries its id in the Message-ID).
    const mailsOf = new Map<string, number>();
    for (const mail of await sink.messages()) {
      const id = /^<notice-(\d+)\./.exec(mail.messageId ?? "")?.[1];
      if (id) mailsOf.set(id, (mailsOf.get(id) ?? 0) + 1);
    }
    for (const notice of notices) expect(mailsOf.get(String(notice.id)), notice.dedupeKey).toBe(1);
    // Each went to its own order's customer.
    expect(new Set(notices.map((notice) => notice.recipient)).size).toBe(PARCELS);
  }, 300_000);
});
