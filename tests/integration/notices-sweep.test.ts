// A notice whose delivery job was lost (Redis down at the time, or a reaction
// that failed after claiming the dedupe key) is still sent, once: the sweeper
// finds it in the database and enqueues it, on real Redis and both databases.
import { randomBytes } from "node:crypto";
import { Worker, type Queue } from "bullmq";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../../app/db.server.ts";
import {
  createNoticeQueue,
  noticeJobId,
  producerConnection,
  QUEUE,
  workerConnection,
} from "../../app/jobs/queues.server.ts";
import type { DeliveryDeps } from "../../app/notices/deliver-notice.server.ts";
import { createSmtpMailer } from "../../app/notices/mailer.server.ts";
import { noticeProcessor } from "../../app/notices/notice-queue.server.ts";
import { queueNotice } from "../../app/notices/queue-notice.server.ts";
import { sweepNotices } from "../../app/notices/sweep-notices.server.ts";
import { startMailSink, type MailSink } from "../../sandbox/mail/mail-sink.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";
import { REDIS_URL, waitFor } from "../support/pipeline.ts";

const SHOP = "kizuna-sweep.myshopify.com";
const MINUTE = 60_000;

describeEachDatabase("notices sweeper", (provider) => {
  let database: TestDatabase;
  let db: Db;
  let sink: MailSink;
  let queue: Queue;
  const prefix = `test-sweep-${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
    sink = await startMailSink();
    // Quiet hours off: the test means the same at any hour.
    await db.shop.create({ data: { domain: SHOP, name: "Sweep Shop", timezone: "Asia/Tokyo", currency: "JPY" } });
    await db.shopSettings.create({ data: { shop: SHOP, quietStart: "00:00", quietEnd: "00:00" } });
    await db.customer.create({
      data: { shop: SHOP, id: "c1", email: "ken@example.com", firstName: "健", lastName: "佐藤", locale: "ja" },
    });
    queue = createNoticeQueue(producerConnection(REDIS_URL), prefix);
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await sink.close();
    await database.drop();
  });

  it("enqueues an overdue notice that has no job, once, and it is sent once", async () => {
    // Queued in the database, never enqueued (what a lost job leaves behind).
    const result = await queueNotice(db, {
      shop: SHOP,
      kind: "delay",
      dedupeKey: "delay:o9:late",
      customerId: "c1",
      variables: { orderName: "#1009", items: "急須 × 1", reason: "配送の遅れ" },
    });
    expect(result.status).toBe("queued");
    const noticeId = (result as { noticeId: number }).noticeId;

    // Within the grace period it is left alone: its job may still be on its way.
    expect(await sweepNotices(db, queue, new Date())).toBe(0);
    expect(await queue.getJob(noticeJobId(noticeId))).toBeUndefined();

    // Past it, the sweeper enqueues it; sweeping again while the job waits adds nothing.
    const later = new Date(Date.now() + 5 * MINUTE);
    expect(await sweepNotices(db, queue, later)).toBe(1);
    expect(await sweepNotices(db, queue, later)).toBe(1);
    expect(await queue.getJobCounts("waiting", "delayed", "active")).toMatchObject({ waiting: 1 });

    const deps: DeliveryDeps = {
      mailer: createSmtpMailer(sink.url),
      sms: null,
      now: () => new Date(),
      publicUrl: "https://kizuna.example.com",
      secret: "secret",
    };
    const worker = new Worker(QUEUE.notices, noticeProcessor(db, deps), {
      connection: workerConnection(REDIS_URL),
      prefix,
    });
    worker.on("error", () => undefined);
    try {
      await sink.waitFor((mail) => mail.to.includes("ken@example.com"), 15_000);
      await waitFor("the notice to be marked sent", async () => {
        const notice = await db.notice.findUniqueOrThrow({ where: { id: noticeId } });
        return notice.status === "sent";
      });
      // A sent notice is not swept again, so it is never sent twice.
      expect(await sweepNotices(db, queue, new Date(Date.now() + 10 * MINUTE))).toBe(0);
      await new Promise((done) => setTimeout(done, 500));
      expect((await sink.messages()).filter((mail) => mail.to.includes("ken@example.com"))).toHaveLength(1);
    } finally {
      await worker.close();
    }
  });
});
