// Notices many at a time (a back-in-stock wave), on both databases:
// queueNotices gives each input what queueNotice would, and deliverNotices
// keeps every contract of deliverNotice for a whole batch — suppression and
// consent at send time, the daily cap (two notices of one customer in one
// batch included), quiet hours, one claim per notice, failures given back —
// and a "send-notices" job puts back on the queue what it cannot send now.
import { randomBytes } from "node:crypto";
import type { Job, Queue } from "bullmq";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../../app/db.server.ts";
import { createNoticeQueue, producerConnection, type JobPayloads } from "../../app/jobs/queues.server.ts";
import { deliverNotices, type DeliveryDeps } from "../../app/notices/deliver-notice.server.ts";
import { createSmtpMailer, type Mailer } from "../../app/notices/mailer.server.ts";
import { noticeProcessor } from "../../app/notices/notice-queue.server.ts";

const SEND_NOTICES_JOB = "send-notices";
type SendNoticesPayload = JobPayloads["send-notices"];
import { queueNotice, queueNotices, type QueueNoticeInput } from "../../app/notices/queue-notice.server.ts";
import { runWave, startEpisodeIfRestocked } from "../../app/restock/episodes.server.ts";
import { restockNotices } from "../../app/restock/notifier.server.ts";
import { startMailSink, type MailSink } from "../../sandbox/mail/mail-sink.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";
import { REDIS_URL } from "../support/pipeline.ts";

const SHOP = "kizuna-batch.myshopify.com";
// 12:00 and 23:00 in Tokyo.
const NOON_JST = new Date("2026-11-23T03:00:00Z");
const NIGHT_JST = new Date("2026-11-23T14:00:00Z");

const restock = (key: string, email: string | null, extra: Partial<QueueNoticeInput> = {}): QueueNoticeInput => ({
  shop: SHOP,
  kind: "restock",
  dedupeKey: key,
  ...(email ? { email } : {}),
  locale: "ja",
  variables: {
    productTitle: "藍染めトートバッグ",
    variantTitle: "Indigo",
    price: "4800",
    productUrl: "https://x.example/p",
  },
  ...extra,
});

describeEachDatabase("notices in batches", (provider) => {
  let database: TestDatabase;
  let db: Db;
  let sink: MailSink;
  let mailer: Mailer;
  let deps: DeliveryDeps;
  let queue: Queue;
  let clock = NOON_JST;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
    sink = await startMailSink();
    mailer = createSmtpMailer(sink.url);
    deps = {
      // A recipient whose server answers 421 (try later): a transient failure.
      mailer: {
        send: async (message) => {
          if (message.to.address.startsWith("busy@"))
            throw Object.assign(new Error("421 try again later"), { responseCode: 421 });
          return mailer.send(message);
        },
      },
      sms: null,
      now: () => clock,
      publicUrl: "https://kizuna.example.com",
      secret: "secret",
    };
    queue = createNoticeQueue(producerConnection(REDIS_URL), `test-batch-${randomBytes(4).toString("hex")}`);
    await queue.waitUntilReady();
    await db.shop.create({ data: { domain: SHOP, name: "Batch Shop", timezone: "Asia/Tokyo", currency: "JPY" } });
    await db.customer.create({
      data: { shop: SHOP, id: "c1", email: "hanako@example.jp", firstName: "Hanako", lastName: "Sato", locale: "en" },
    });
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await queue?.close();
    mailer?.close?.();
    await sink?.close();
    await database?.drop();
  });

  it("queueNotices gives each input what queueNotice gives it", async () => {
    await queueNotice(db, restock("taken", "early@example.jp"));
    const cases = (prefix: string): QueueNoticeInput[] => [
      restock(`${prefix}-anon-ja`, "a@example.jp"),
      restock(`${prefix}-anon-en`, "b@example.jp", { locale: "en" }),
      restock(`${prefix}-customer`, null, { customerId: "c1", locale: null }),
      restock(`${prefix}-no-address`, null),
      restock(`${prefix}-later`, "c@example.jp", { sendAfter: new Date("2026-11-24T00:00:00Z") }),
      { ...restock(`${prefix}-off`, "d@example.jp"), kind: "order_shipped" },
    ];
    const one = [];
    for (const input of cases("one")) one.push(await queueNotice(db, input));
    const many = await queueNotices(db, [
      ...cases("many"),
      restock("taken", "early@example.jp"),
      restock("many-anon-ja", "a@example.jp"),
    ]);
    expect(many.map((result) => result.status)).toEqual([
      ...one.map((result) => result.status),
      "duplicate",
      "duplicate",
    ]);
    const taken = await db.notice.findUnique({ where: { shop_dedupeKey: { shop: SHOP, dedupeKey: "taken" } } });
    expect(many[6]).toEqual({ status: "duplicate", noticeId: taken!.id });
    expect(many[7]).toEqual({ status: "duplicate", noticeId: (many[0] as { noticeId: number }).noticeId });

    // Each notice as it will be sent: content stored once for several stands in the row's own.
    const contents = new Map(
      (await db.noticeContent.findMany({ where: { shop: SHOP } })).map(
        ({ id, subject, bodyText, bodyHtml, variables }) => [id, { subject, bodyText, bodyHtml, variables }],
      ),
    );
    const rows = async (prefix: string) =>
      (
        await db.notice.findMany({
          where: { shop: SHOP, dedupeKey: { startsWith: `${prefix}-` } },
          orderBy: { id: "asc" },
        })
      ).map(({ id: _id, dedupeKey, createdAt: _c, updatedAt: _u, contentId, ...row }) => ({
        ...row,
        ...(contentId === null ? {} : contents.get(contentId)),
        key: dedupeKey.slice(prefix.length),
      }));
    expect(await rows("many")).toEqual(await rows("one"));
    // The two anonymous Japanese signups' notices are identical but for the address: one stored content.
    expect(contents.size).toBe(1);
    const events = await db.noticeEvent.findMany({
      where: { shop: SHOP, noticeId: (many[3] as { noticeId: number }).noticeId },
    });
    expect(events.map((event) => [event.status, event.reason])).toEqual([["suppressed", "no_email_address"]]);
  });

  it("deliverNotices keeps every check of deliverNotice for a whole batch, and sends each notice once", async () => {
    clock = NOON_JST;
    sink.clear();
    await db.suppression.create({
      data: { shop: SHOP, channel: "email:marketing", address: "unsub@example.jp", reason: "unsubscribed" },
    });
    await db.restockSubscription.create({
      data: { shop: SHOP, variantId: "v1", email: "cancelled@example.jp", locale: "ja", unsubscribedAt: NOON_JST },
    });
    // Two proactive notices already went to capped@ today (cap 2); one to twice@.
    const sentToday = async (key: string, email: string) => {
      const result = await queueNotice(db, restock(key, email));
      await db.notice.update({
        where: { id: (result as { noticeId: number }).noticeId },
        data: { status: "sent", sentAt: new Date(NOON_JST.getTime() - 60_000) },
      });
    };
    await sentToday("capped-1", "capped@example.jp");
    await sentToday("capped-2", "capped@example.jp");
    await sentToday("twice-0", "twice@example.jp");
    const results = await queueNotices(db, [
      restock("b-ok-1", "ok1@example.jp"),
      restock("b-ok-2", "ok2@example.jp"),
      restock("b-unsub", "unsub@example.jp"),
      restock("b-cancelled", "cancelled@example.jp"),
      restock("b-capped", "capped@example.jp"),
      restock("b-twice-1", "twice@example.jp"),
      restock("b-twice-2", "twice@example.jp"),
      restock("b-busy", "busy@example.jp"),
    ]);
    const ids = results.map((result) => (result as { noticeId: number }).noticeId);
    const outcomes = await deliverNotices(db, deps, ids);
    const statusOf = (index: number) => outcomes.get(ids[index]!)!.status;
    expect(ids.map((_, index) => statusOf(index))).toEqual([
      "sent",
      "sent",
      "suppressed",
      "suppressed",
      "suppressed",
      "sent",
      "suppressed",
      "failed",
    ]);
    expect(outcomes.get(ids[2]!)).toEqual({ status: "suppressed", reason: "suppressed:unsubscribed" });
    expect(outcomes.get(ids[3]!)).toEqual({ status: "suppressed", reason: "restock_signup_cancelled" });
    expect(outcomes.get(ids[4]!)).toEqual({ status: "suppressed", reason: "daily_cap:2" });
    expect(outcomes.get(ids[6]!)).toEqual({ status: "suppressed", reason: "daily_cap:2" });
    expect(outcomes.get(ids[7]!)).toMatchObject({ status: "failed", retry: true, attempt: 1 });

    await sink.waitFor((message) => message.envelope.to.includes("twice@example.jp"));
    const received = (await sink.messages()).map((message) => message.envelope.to[0]).sort();
    expect(received).toEqual(["ok1@example.jp", "ok2@example.jp", "twice@example.jp"]);
    // The batch's notices share one stored content; each mail carries it whole.
    expect(await db.noticeContent.count({ where: { shop: SHOP } })).toBeGreaterThan(0);
    for (const mail of await sink.messages()) {
      expect(mail.subject).toContain("藍染めトートバッグ");
      expect(mail.text).toContain("https://x.example/p");
      expect(mail.html).toContain("藍染めトートバッグ");
    }
    const ok = await db.notice.findUniqueOrThrow({ where: { id: ids[0]! } });
    expect(ok).toMatchObject({ status: "sent", attempts: 1, sentAt: NOON_JST });
    expect(ok.providerMessageId).toBe(`<notice-${ids[0]}.${SHOP}@kizuna.example.com>`);
    const events = await db.noticeEvent.findMany({ where: { noticeId: ids[0]! }, orderBy: { id: "asc" } });
    expect(events.map((event) => event.status)).toEqual(["queued", "sending", "sent"]);
    const busy = await db.notice.findUniqueOrThrow({ where: { id: ids[7]! } });
    expect(busy).toMatchObject({ status: "failed", attempts: 1, statusReason: "421 try again later" });
    // The cap counts what went out: capped 2 (both before), twice 2, ok1 and ok2 1 each; the failed send gave its place back.
    const slots = await db.noticeDailyCount.findMany({ where: { shop: SHOP } });
    expect(slots.map((slot) => slot.count).sort()).toEqual([0, 1, 1, 2, 2]);

    // Delivered again (a retried job): nothing is sent twice.
    const again = await deliverNotices(db, deps, ids);
    expect(again.get(ids[0]!)).toEqual({ status: "already_sent" });
    expect(again.get(ids[4]!)).toEqual({ status: "suppressed", reason: "daily_cap:2" });
    expect(sink.received()).toBe(3);
  });

  it("in quiet hours a send-notices job defers its notices and queues them as a delayed batch", async () => {
    clock = NIGHT_JST;
    const results = await queueNotices(db, [restock("q-1", "night1@example.jp"), restock("q-2", "night2@example.jp")]);
    const ids = results.map((result) => (result as { noticeId: number }).noticeId);
    const processor = noticeProcessor(db, deps, queue);
    const job = { name: SEND_NOTICES_JOB, data: { noticeIds: ids } } as Job<SendNoticesPayload>;
    expect(await processor(job)).toEqual({ deferred: 2 });
    const notices = await db.notice.findMany({ where: { id: { in: ids } } });
    // 08:00 in Tokyo the next morning.
    expect(notices.map((notice) => [notice.status, notice.sendAfter?.toISOString()])).toEqual([
      ["deferred", "2026-11-23T23:00:00.000Z"],
      ["deferred", "2026-11-23T23:00:00.000Z"],
    ]);
    const delayed = await queue.getDelayed();
    expect(delayed.map((queued) => [queued.name, (queued.data as SendNoticesPayload).noticeIds])).toEqual([
      [SEND_NOTICES_JOB, ids],
    ]);
    expect(delayed[0]!.opts.delay).toBeGreaterThan(8 * 3_600_000);
  });

  it("a wave of 1,200 queues one notice per subscriber through restockNotices, in batch jobs, and a rerun adds none", async () => {
    // Prisma batches concurrent findUnique calls into one query: one queueNotice per subscriber
    // went over SQLite's 999 bound values for any wave above ~250 subscribers.
    await db.product.create({ data: { shop: SHOP, id: "p9", title: "Hinoki soap", handle: "hinoki" } });
    await db.variant.create({ data: { shop: SHOP, id: "v9", productId: "p9", inventoryItemId: "i9", price: "1200" } });
    await db.inventoryLevel.create({ data: { shop: SHOP, inventoryItemId: "i9", locationId: "1", available: 0 } });
    await db.shopSettings.upsert({
      where: { shop: SHOP },
      create: { shop: SHOP, restockPerUnit: 1 },
      update: { restockPerUnit: 1 },
    });
    await db.restockSubscription.createMany({
      data: Array.from({ length: 1_200 }, (_, i) => ({
        shop: SHOP,
        variantId: "v9",
        email: `wave${i}@example.jp`,
        locale: i % 2 ? "ja" : "en",
      })),
    });
    await db.inventoryLevel.updateMany({ where: { shop: SHOP, inventoryItemId: "i9" }, data: { available: 5_000 } });
    const [episode] = await startEpisodeIfRestocked(db, SHOP, "i9");
    const notices = restockNotices(db, queue);
    const wave = await runWave(db, SHOP, episode!.id, notices.notify);
    expect(wave).toMatchObject({ notified: 1_200, status: "done" });
    const queued = await db.notice.findMany({ where: { shop: SHOP, dedupeKey: { startsWith: "restock:v9:" } } });
    expect(queued).toHaveLength(1_200);
    expect(new Set(queued.map((notice) => notice.dedupeKey)).size).toBe(1_200);
    // The wave's content is stored once per language and batch, not once per notice.
    const contents = new Map(
      (await db.noticeContent.findMany({ where: { shop: SHOP } })).map((content) => [content.id, content]),
    );
    expect(queued.every((notice) => notice.contentId !== null && notice.bodyText === null)).toBe(true);
    expect(new Set(queued.map((notice) => notice.contentId)).size).toBeLessThanOrEqual(6);
    expect(
      queued.every(
        (notice) => notice.status === "queued" && contents.get(notice.contentId!)?.subject?.includes("Hinoki soap"),
      ),
    ).toBe(true);
    const jobs = await queue.getJobs(["prioritized", "waiting"]);
    const batched = jobs
      .filter((job) => job.name === SEND_NOTICES_JOB)
      .flatMap((job) => (job.data as SendNoticesPayload).noticeIds);
    expect(batched.sort((a, b) => a - b)).toEqual(queued.map((notice) => notice.id).sort((a, b) => a - b));
    // The same wave again (a retried job): the alerts are claimed, nothing new is queued.
    expect(await runWave(db, SHOP, episode!.id, notices.notify)).toMatchObject({ notified: 0 });
    expect(await db.notice.count({ where: { shop: SHOP, dedupeKey: { startsWith: "restock:v9:" } } })).toBe(1_200);
    // Queued again directly (keys all taken): duplicates, and no stored content left behind.
    const before = await db.noticeContent.count({ where: { shop: SHOP } });
    const retried = await queueNotices(
      db,
      queued.slice(0, 3).map((notice) => ({
        shop: SHOP,
        kind: "restock" as const,
        dedupeKey: notice.dedupeKey,
        email: notice.recipient,
        locale: notice.locale,
        variables: { productTitle: "Hinoki soap" },
      })),
    );
    expect(retried.map((result) => result.status)).toEqual(["duplicate", "duplicate", "duplicate"]);
    expect(await db.noticeContent.count({ where: { shop: SHOP } })).toBe(before);
  });
});
