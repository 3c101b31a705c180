// The notices queue on real Redis: job "send-notice" with jobId notice/<id>,
// duplicate enqueues run once, a quiet-hours deferral moves the job to the
// delayed set and it is sent when the window ends; a resend replaces the old job.
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
import {
  enqueueNoticeDelivery,
  noticeProcessor,
  queueAndEnqueueNotice,
} from "../../app/notices/notice-queue.server.ts";
import { zonedTimeToUtc, localParts } from "../../app/notices/shop-time.ts";
import { startMailSink, type MailSink } from "../../sandbox/mail/mail-sink.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";
import { REDIS_URL } from "../support/pipeline.ts";

const SHOP = "kizuna-queue.myshopify.com";

describeEachDatabase("notices queue", (provider) => {
  let database: TestDatabase;
  let db: Db;
  let sink: MailSink;
  let queue: Queue;
  let worker: Worker;
  let clock: () => Date = () => new Date();
  let deps: DeliveryDeps;
  const prefix = `test-notices-${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
    sink = await startMailSink();
    await db.shop.create({ data: { domain: SHOP, name: "Queue Shop", timezone: "Asia/Tokyo", currency: "JPY" } });
    deps = {
      mailer: createSmtpMailer(sink.url),
      sms: null,
      now: () => clock(),
      publicUrl: "https://kizuna.example.com",
      secret: "secret",
    };
    queue = createNoticeQueue(producerConnection(REDIS_URL), prefix);
    worker = new Worker(QUEUE.notices, noticeProcessor(db, deps), {
      connection: workerConnection(REDIS_URL),
      prefix,
      concurrency: 4,
    });
    worker.on("error", () => undefined);
  });

  afterAll(async () => {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    deps.mailer.close?.();
    await sink.close();
    await database.drop();
  });

  it("defers through the delayed set in quiet hours, then sends exactly once", async () => {
    await db.customer.create({
      data: { shop: SHOP, id: "c1", email: "hana@example.com", firstName: "花子", lastName: "山田", locale: "ja" },
    });
    const input = {
      shop: SHOP,
      kind: "delay" as const,
      dedupeKey: "delay:o1:late",
      customerId: "c1",
      variables: { orderName: "#1001", items: "エプロン × 1", reason: "配送の遅れ" },
    };
    // The shop clock stands 2 s before quiet hours end (08:00 in Tokyo) until the notice is deferred.
    const tokyo = localParts(new Date(), "Asia/Tokyo");
    const eightAm = zonedTimeToUtc({ ...tokyo, day: tokyo.day + 1, hour: 8, minute: 0 }, "Asia/Tokyo");
    clock = () => new Date(eightAm.getTime() - 2_000);
    const results = await Promise.all([1, 2, 3].map(() => queueAndEnqueueNotice(db, queue, input)));
    const queued = results.find((r) => r.status === "queued");
    if (queued?.status !== "queued") throw new Error("not queued");
    expect(results.filter((r) => r.status === "duplicate")).toHaveLength(2);
    await enqueueNoticeDelivery(queue, queued.noticeId); // a duplicate job while one waits: ignored
    for (let i = 0; ; i += 1) {
      const row = await db.notice.findUnique({ where: { id: queued.noticeId } });
      if (row?.status === "deferred") break;
      if (i > 100) throw new Error(`the notice was not deferred: ${row?.status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // From now on the shop clock runs from 08:00 - 2 s, so the delayed job finds quiet hours over.
    const started = Date.now();
    clock = () => new Date(eightAm.getTime() - 2_000 + (Date.now() - started));

    const mail = await sink.waitFor((m) => m.to.includes("hana@example.com"), 15_000);
    expect(mail.text).toContain("山田 花子様");
    // The mail reaches the sink a moment before the worker records the send.
    for (let i = 0; (await db.notice.findUnique({ where: { id: queued.noticeId } }))?.status !== "sent"; i++) {
      if (i > 100) throw new Error("the notice was not recorded as sent");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const statuses = (
      await db.noticeEvent.findMany({ where: { noticeId: queued.noticeId }, orderBy: { id: "asc" } })
    ).map((e) => e.status);
    expect(statuses).toEqual(["queued", "deferred", "sending", "sent"]);

    // A resend of a sent notice is refused by the domain; a re-enqueue of the finished job runs and does nothing.
    await enqueueNoticeDelivery(queue, queued.noticeId);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await sink.messages()).filter((m) => m.to.includes("hana@example.com"))).toHaveLength(1);
    expect(await queue.getJob(noticeJobId(queued.noticeId))).toBeUndefined();
  });
});
