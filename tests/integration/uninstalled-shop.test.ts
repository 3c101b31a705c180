// After app/uninstalled a shop sends nothing and stores no customer data:
// notices that were waiting (deferred, a follow-up, a restock wave, one the
// sweeper finds) never reach the real SMTP sink, and webhooks of a shop that
// is not installed (never, or redacted) leave no rows — through real HTTP,
// Redis and both databases.
import { randomBytes, randomUUID } from "node:crypto";
import { Worker, type Queue } from "bullmq";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../../app/db.server.ts";
import { createNoticeQueue, producerConnection, QUEUE, workerConnection } from "../../app/jobs/queues.server.ts";
import { projectEvent } from "../../app/mirror/project-event.server.ts";
import type { DeliveryDeps } from "../../app/notices/deliver-notice.server.ts";
import { createSmtpMailer } from "../../app/notices/mailer.server.ts";
import { enqueueNoticeDelivery, noticeProcessor } from "../../app/notices/notice-queue.server.ts";
import { scheduleFollowUp } from "../../app/notices/order-updates.server.ts";
import { queueNotice } from "../../app/notices/queue-notice.server.ts";
import { sweepNotices } from "../../app/notices/sweep-notices.server.ts";
import { runWave } from "../../app/restock/episodes.server.ts";
import { restockNotices } from "../../app/restock/notifier.server.ts";
import { SHOP_OWNED_MODELS } from "../../app/compliance/redact-shop.server.ts";
import { recordInstall } from "../../app/shops/record-install.server.ts";
import { parsePayload } from "../../app/webhooks/payload.server.ts";
import { API_VERSION } from "../../app/webhooks/topics.ts";
import { startMailSink, type MailSink } from "../../sandbox/mail/mail-sink.ts";
import { examplePayload } from "../../sandbox/webhooks/example-payloads.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";
import { REDIS_URL, startPipeline, TEST_SHOP, waitFor, type Pipeline } from "../support/pipeline.ts";

const GONE = "kizuna-gone.myshopify.com";
const STAYS = "kizuna-stays.myshopify.com";
const HOUR = 3_600_000;

/** Rows of `shop` in every table that holds shop data. */
async function rowsOf(db: Db, shop: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [model, owned] of Object.entries(SHOP_OWNED_MODELS)) {
    const delegate = (db as unknown as Record<string, { count(args: unknown): Promise<number> }>)[
      model[0]!.toLowerCase() + model.slice(1)
    ]!;
    const n = await delegate.count({ where: { [owned.column]: shop } });
    if (n > 0) counts[model] = n;
  }
  return counts;
}

describeEachDatabase("an uninstalled shop sends nothing", (provider) => {
  let database: TestDatabase;
  let db: Db;
  let sink: MailSink;
  let queue: Queue;
  let worker: Worker;
  const prefix = `test-uninstalled-${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
    sink = await startMailSink();
    for (const shop of [GONE, STAYS]) {
      await recordInstall(db, shop, null);
      await db.shop.update({ where: { domain: shop }, data: { name: shop, timezone: "Asia/Tokyo" } });
      // Quiet hours off: the test means the same at any hour.
      await db.shopSettings.create({
        data: { shop, quietStart: "00:00", quietEnd: "00:00", dailyCap: 10, noticeKinds: '{"order_followup":true}' },
      });
      await db.customer.create({
        data: { shop, id: "c1", email: `ken@${shop}`, firstName: "Ken", lastName: "Sato", locale: "en" },
      });
      await db.order.create({
        data: {
          shop,
          id: "o1",
          name: "#1001",
          customerId: "c1",
          email: `ken@${shop}`,
          currency: "JPY",
          totalPrice: "1000",
          shopifyCreatedAt: new Date(),
          shopifyUpdatedAt: new Date(),
        },
      });
      await db.variant.create({ data: { shop, id: "v1", productId: "p1", inventoryItemId: "i1" } });
      await db.inventoryLevel.create({ data: { shop, inventoryItemId: "i1", locationId: "1", available: 5 } });
      await db.restockSubscription.create({
        data: { shop, variantId: "v1", email: `wait@${shop}`, locale: "en", createdAt: new Date(Date.now() - HOUR) },
      });
    }
    queue = createNoticeQueue(producerConnection(REDIS_URL), prefix);
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.obliterate({ force: true });
    await queue?.close();
    await sink?.close();
    await database?.drop();
  });

  it("cancels deferred notices and follow-ups, stops waves, and delivery refuses what was still queued", async () => {
    const deferred: Record<string, number> = {};
    const followUps: Record<string, number> = {};
    for (const shop of [GONE, STAYS]) {
      const delay = await queueNotice(db, {
        shop,
        kind: "delay",
        dedupeKey: "delay:o1:late",
        customerId: "c1",
        variables: { orderName: "#1001", items: "Tea × 1", reason: "late" },
        sendAfter: new Date(Date.now() + 2_000),
      });
      expect(delay.status).toBe("queued");
      deferred[shop] = (delay as { noticeId: number }).noticeId;
      const followUp = await scheduleFollowUp(db, shop, {
        orderId: "o1",
        deliveredAt: new Date(Date.now() - 30 * 24 * HOUR),
      });
      expect(followUp?.status).toBe("queued");
      followUps[shop] = (followUp as { noticeId: number }).noticeId;
    }

    // app/uninstalled, as the worker projects it.
    await projectEvent(db, {
      shop: GONE,
      topic: "app/uninstalled",
      payload: parsePayload(examplePayload("app/uninstalled", API_VERSION)),
      triggeredAt: new Date(),
    });

    // What a reaction or a wave might still have stored in the moment before: a queued
    // notice with no job (the sweeper finds it) and a running restock episode.
    const stray = await db.notice.create({
      data: {
        shop: GONE,
        kind: "delay",
        dedupeKey: "delay:o1:stray",
        customerId: "c1",
        channel: "email",
        locale: "en",
        recipient: `ken@${GONE}`,
        status: "queued",
        subject: "Your order is late",
        bodyText: "late",
        updatedAt: new Date(Date.now() - HOUR),
      },
    });
    const episode = await db.restockEpisode.create({
      data: { shop: GONE, variantId: "v1", status: "running", availableAtStart: 5 },
    });
    const kept = await db.restockEpisode.create({
      data: { shop: STAYS, variantId: "v1", status: "running", availableAtStart: 5 },
    });

    // Queueing refuses the shop from now on: no row is made.
    const notices = restockNotices(db, queue);
    const refused = await queueNotice(db, {
      shop: GONE,
      kind: "delay",
      dedupeKey: "delay:o1:later",
      customerId: "c1",
      variables: { orderName: "#1001", items: "Tea × 1", reason: "late" },
    });
    expect(refused).toMatchObject({ status: "disabled" });
    expect(await db.notice.count({ where: { shop: GONE, dedupeKey: "delay:o1:later" } })).toBe(0);

    const deps: DeliveryDeps = {
      mailer: createSmtpMailer(sink.url),
      sms: null,
      now: () => new Date(Date.now() + 60 * 24 * HOUR), // every notice is due
      publicUrl: "https://kizuna.example.com",
      secret: "secret",
    };
    worker = new Worker(QUEUE.notices, noticeProcessor(db, deps, queue), {
      connection: workerConnection(REDIS_URL),
      prefix,
    });
    worker.on("error", () => undefined);

    for (const shop of [GONE, STAYS]) {
      await enqueueNoticeDelivery(queue, deferred[shop]!);
      await enqueueNoticeDelivery(queue, followUps[shop]!);
    }
    expect(await sweepNotices(db, queue, new Date(Date.now() + HOUR))).toBeGreaterThanOrEqual(1);
    expect((await runWave(db, GONE, episode.id, notices.notify)).notified).toBe(0);
    expect((await runWave(db, STAYS, kept.id, notices.notify)).notified).toBe(1);

    // The shop that stays installed gets its three mails: the worker runs.
    await sink.waitFor((mail) => mail.to.includes(`wait@${STAYS}`), 20_000);
    await waitFor("the installed shop's notices sent", async () => {
      return (await db.notice.count({ where: { shop: STAYS, status: "sent" } })) === 3;
    });
    await waitFor("the uninstalled shop's notices settled", async () => {
      return (await db.notice.count({ where: { shop: GONE, status: { not: "suppressed" } } })) === 0;
    });
    const mails = await sink.messages();
    expect(mails.filter((mail) => mail.to.includes(GONE) || mail.envelope.to.some((to) => to.includes(GONE)))).toEqual(
      [],
    );
    const gone = await db.notice.findMany({ where: { shop: GONE }, select: { id: true, statusReason: true } });
    expect(gone.map((notice) => notice.statusReason).sort()).toEqual([
      "shop_uninstalled",
      "shop_uninstalled",
      "shop_uninstalled",
    ]);
    expect(gone.map((notice) => notice.id)).toContain(stray.id);
    expect(await db.restockEpisode.findUniqueOrThrow({ where: { id: episode.id } })).toMatchObject({ status: "done" });
    expect(await db.restockAlert.count({ where: { shop: GONE } })).toBe(0);
  });
});

describeEachDatabase("webhooks of a shop that is not installed", (provider) => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await startPipeline(provider);
  });
  afterAll(async () => {
    await pipeline?.close();
  });
  const db = () => pipeline.database.db;
  const order = () => examplePayload("orders/create", API_VERSION);

  it("stores nothing for a shop that was never installed, and answers 200", async () => {
    const never = "kizuna-never.myshopify.com";
    const response = await pipeline.send("orders/create", order(), { shop: never });
    expect(response.status).toBe(200);
    const scopes = await pipeline.send("app/scopes_update", examplePayload("app/scopes_update", API_VERSION), {
      shop: never,
    });
    expect(scopes.status).toBe(200);
    expect(await rowsOf(db(), never)).toEqual({});
  });

  it("a late orders/create after shop/redact leaves no rows; one stored before the uninstall projects nothing", async () => {
    const shop = `kizuna-late-${randomBytes(3).toString("hex")}.myshopify.com`;
    await recordInstall(db(), shop, null);
    expect((await pipeline.send("orders/create", order(), { shop })).text).toBe("stored");
    await waitFor("the order in the mirror", async () => (await db().order.count({ where: { shop } })) === 1);

    // Stored in the moment before the uninstall, processed after it: projected into nothing.
    await pipeline.stopWorker();
    const customer = examplePayload("customers/create", API_VERSION);
    expect((await pipeline.send("customers/create", customer, { shop })).text).toBe("stored");
    const uninstalled = examplePayload("app/uninstalled", API_VERSION);
    await projectEvent(db(), { shop, topic: "app/uninstalled", payload: parsePayload(uninstalled), triggeredAt: null });
    expect((await pipeline.send("app/uninstalled", uninstalled, { shop })).text).toBe("stored");
    pipeline.startWorker();
    await waitFor("the waiting events processed", async () => {
      return (await db().webhookEvent.count({ where: { shop, status: { not: "processed" } } })) === 0;
    });
    // (The order's own customer came with orders/create, before the uninstall.)
    expect(await db().customer.count({ where: { shop, id: "706405506930370084" } })).toBe(0);
    // Its payload (personal data) is not kept either.
    const refused = await db().webhookEvent.findFirstOrThrow({ where: { shop, topic: "customers/create" } });
    expect(refused.payload).toBe("{}");
    // The receiver takes no more ordinary events of the shop.
    const updated = await pipeline.send("orders/updated", order(), { shop, eventId: randomUUID() });
    expect(updated).toMatchObject({ status: 200 });
    expect(updated.text).toContain("not installed");
    expect(await db().webhookEvent.count({ where: { shop, topic: "orders/updated" } })).toBe(0);

    // shop/redact, 48 h later, is still taken and deletes everything.
    expect((await pipeline.send("shop/redact", examplePayload("shop/redact", API_VERSION), { shop })).text).toBe(
      "stored",
    );
    await waitFor("the shop redacted", async () => (await db().shop.count({ where: { domain: shop } })) === 0);
    expect(await rowsOf(db(), shop)).toEqual({});

    // A late delivery of an order event afterwards: acknowledged, nothing stored.
    const late = await pipeline.send("orders/create", order(), { shop, eventId: randomUUID() });
    expect(late.status).toBe(200);
    expect(await rowsOf(db(), shop)).toEqual({});
  });

  it("still takes events of an installed shop", async () => {
    expect((await pipeline.send("orders/create", order(), { shop: TEST_SHOP })).text).toBe("stored");
  });
});
