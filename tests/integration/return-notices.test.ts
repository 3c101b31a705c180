// Return, refund and cancellation notices (app/returns/return-notices.server.ts)
// end to end on SQLite: the step's notice is queued once through the engine, its
// delivery job is on the real Redis queue, and the mail reaches the sandbox's
// SMTP sink in the customer's language with the order page link. SQLite only:
// enqueueing uses the process-wide client and queue configured from the environment.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "../../app/db.server.ts";
import { closeSharedQueues, noticeQueue, sendNoticeJob } from "../../app/jobs/queues.server.ts";
import { deliverNotice, type DeliveryDeps } from "../../app/notices/deliver-notice.server.ts";
import { createSmtpMailer } from "../../app/notices/mailer.server.ts";
import { tellCustomerAboutReturn, tellCustomerOrderCancelled } from "../../app/returns/return-notices.server.ts";
import { verifyOrderLinkToken } from "../../app/storefront/order-link.server.ts";
import { startMailSink, type MailSink } from "../../sandbox/mail/mail-sink.ts";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "kizuna-return-notices.myshopify.com";
const SECRET = "return-notices-secret";
const APP_URL = "https://kizuna.example.com";
// 23:00 in Tokyo, inside a new shop's quiet hours: these notices answer the customer at once anyway.
const LATE_JST = new Date("2026-11-23T14:00:00Z");

describe("return notices [sqlite]", () => {
  let database: TestDatabase;
  let db: Db;
  let sink: MailSink;
  let deps: DeliveryDeps;
  let seq = 0;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    db = database.db;
    vi.stubEnv("DATABASE_URL", database.url);
    vi.stubEnv("SHOPIFY_API_KEY", "key");
    vi.stubEnv("SHOPIFY_API_SECRET", SECRET);
    vi.stubEnv("SHOPIFY_APP_URL", APP_URL);
    sink = await startMailSink();
    deps = {
      mailer: createSmtpMailer(sink.url),
      sms: null,
      now: () => LATE_JST,
      publicUrl: APP_URL,
      secret: SECRET,
    };
    await db.shop.create({
      data: {
        domain: SHOP,
        name: "Tsumugi Store",
        currency: "JPY",
        timezone: "Asia/Tokyo",
        locale: "en",
        email: "owner@tsumugi.example",
      },
    });
  });

  afterAll(async () => {
    deps.mailer.close?.();
    await sink.close();
    await closeSharedQueues();
    const { disconnectDb } = await import("../../app/db.server.ts");
    await disconnectDb();
    vi.unstubAllEnvs();
    await database.drop();
  });

  beforeEach(() => sink.clear());

  /** A customer, their order of one apron (￥4,400) and a requested return of it. */
  async function orderWithReturn(options: { locale: "ja" | "en"; returnPatch?: Record<string, unknown> }) {
    seq += 1;
    const customerId = `c${seq}`;
    const orderId = `${7000 + seq}`;
    const returnId = `${9000 + seq}`;
    const email = `customer${seq}@example.com`;
    await db.customer.create({
      data: {
        shop: SHOP,
        id: customerId,
        email,
        firstName: options.locale === "ja" ? "花子" : "Emma",
        lastName: options.locale === "ja" ? "山田" : "Stone",
        // The customer's account says English: the language chosen on the order page wins.
        locale: "en",
      },
    });
    await db.order.create({
      data: {
        shop: SHOP,
        id: orderId,
        name: `#20${String(seq).padStart(2, "0")}`,
        customerId,
        currency: "JPY",
        totalPrice: "4400",
        shopifyCreatedAt: new Date("2026-11-01T01:00:00Z"),
        shopifyUpdatedAt: new Date("2026-11-01T01:00:00Z"),
      },
    });
    await db.lineItem.create({
      data: {
        shop: SHOP,
        id: `li${seq}`,
        orderId,
        title: "Linen apron",
        variantTitle: "Indigo",
        quantity: 2,
        price: "2200",
      },
    });
    await db.return.create({
      data: {
        shop: SHOP,
        id: returnId,
        orderId,
        name: `#20${String(seq).padStart(2, "0")}-R1`,
        status: "REQUESTED",
        lineItems: JSON.stringify([{ id: `rli${seq}`, quantity: 1, line_item_id: `li${seq}` }]),
        source: "order_page",
        resolution: "refund",
        verdict: JSON.stringify({ decision: "review", reasons: [] }),
        locale: options.locale,
        ...options.returnPatch,
      },
    });
    return { customerId, orderId, returnId, email, orderName: `#20${String(seq).padStart(2, "0")}` };
  }

  async function noticesOf(orderId: string) {
    return db.notice.findMany({ where: { shop: SHOP, orderId }, orderBy: { id: "asc" } });
  }

  /** Delivers the order's only notice of `kind` over SMTP and answers the mail the sink received. */
  async function delivered(orderId: string, kind: string, email: string) {
    const notices = (await noticesOf(orderId)).filter((notice) => notice.kind === kind);
    expect(notices).toHaveLength(1);
    const notice = notices[0]!;
    // Its delivery job went onto the notices queue at once.
    const queue = await noticeQueue();
    expect(await queue.getJob(sendNoticeJob(notice.id).opts.jobId)).toBeTruthy();
    expect(await deliverNotice(db, deps, notice.id)).toMatchObject({ status: "sent" });
    return { notice, mail: await sink.waitFor((message) => message.to.includes(email)) };
  }

  function orderLinkOf(text: string, orderId: string): string {
    const match = new RegExp(`https?://[^\\s]+/apps/kizuna/orders/${orderId}\\?t=([^\\s]+)`).exec(text);
    expect(match, text).not.toBeNull();
    return decodeURIComponent(match![1]!);
  }

  it("a decline tells a Japanese customer the reason in Japanese, the seller's note escaped, with the order page", async () => {
    const order = await orderWithReturn({
      locale: "ja",
      returnPatch: {
        status: "DECLINED",
        declineReason: "FINAL_SALE",
        declineNote: '<script>alert("x")</script> 受注生産品です',
      },
    });
    await tellCustomerAboutReturn(db, SHOP, order.returnId, "declined");
    const { notice, mail } = await delivered(order.orderId, "return_declined", order.email);

    expect(notice.dedupeKey).toBe(`return:${order.returnId}:declined`);
    expect(notice.locale).toBe("ja");
    expect(mail.subject).toBe(`ご注文 ${order.orderName} の返品リクエストについて`);
    expect(mail.text).toContain("山田 花子様");
    expect(mail.text).toContain("理由：返品不可（セール品など）の商品のため、返品をお受けできません。");
    expect(mail.text).toContain('ショップからのメッセージ：<script>alert("x")</script> 受注生産品です');
    expect(mail.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 受注生産品です");
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("ご注文ページを見る");
    const token = orderLinkOf(mail.text ?? "", order.orderId);
    expect(verifyOrderLinkToken(SHOP, order.orderId, token, { secret: SECRET })).toBe(true);
  });

  it("a decline tells an English customer in English", async () => {
    const order = await orderWithReturn({
      locale: "en",
      returnPatch: { status: "DECLINED", declineReason: "RETURN_PERIOD_ENDED", declineNote: null },
    });
    await tellCustomerAboutReturn(db, SHOP, order.returnId, "declined");
    const { mail } = await delivered(order.orderId, "return_declined", order.email);
    expect(mail.subject).toBe(`About your return request for ${order.orderName}`);
    expect(mail.text).toContain("Hi Emma,");
    expect(mail.text).toContain("Reason: The return period for this order has ended.");
    expect(mail.text).not.toContain("A note from us");
    expect(mail.text).toMatch(/View your order: https?:\/\/\S+\/apps\/kizuna\/orders\//);
    expect(mail.text).not.toMatch(/[\u3040-\u30ff]/);
  });

  it("the same step twice queues one notice; each step is its own", async () => {
    const order = await orderWithReturn({ locale: "en" });
    await tellCustomerAboutReturn(db, SHOP, order.returnId, "requested");
    await tellCustomerAboutReturn(db, SHOP, order.returnId, "requested");
    await Promise.all([
      tellCustomerAboutReturn(db, SHOP, order.returnId, "approved"),
      tellCustomerAboutReturn(db, SHOP, order.returnId, "approved"),
    ]);
    const notices = await noticesOf(order.orderId);
    expect(notices.map((notice) => notice.dedupeKey)).toEqual([
      `return:${order.returnId}:requested`,
      `return:${order.returnId}:approved`,
    ]);
    const requested = notices[0]!;
    expect(requested.bodyText).toContain("Items: Linen apron (Indigo) × 1");
    expect(requested.bodyText).toContain("You asked for: a refund to your original payment method");
    expect(requested.bodyText).toContain("We will review your request");
    expect(notices[1]!.bodyText).toContain("return label and how to send the items back in a separate email");
  });

  it("a refund carries the amount in yen without decimals, the method and the order page link", async () => {
    const order = await orderWithReturn({ locale: "ja", returnPatch: { status: "CLOSED" } });
    await db.moneyAction.create({
      data: {
        shop: SHOP,
        orderId: order.orderId,
        returnId: order.returnId,
        kind: "return_process",
        subjectKey: `return:${order.returnId}:process:0`,
        idempotencyKey: `k-${order.returnId}-0`,
        state: "succeeded",
        method: "original",
        amount: "3300",
        currency: "JPY",
        request: "{}",
        finishedAt: new Date(),
      },
    });
    await tellCustomerAboutReturn(db, SHOP, order.returnId, "refunded", { amount: "3300", currency: "JPY" });
    await tellCustomerAboutReturn(db, SHOP, order.returnId, "refunded", { amount: "3300", currency: "JPY" });
    const { notice, mail } = await delivered(order.orderId, "refund_issued", order.email);
    expect(notice.dedupeKey).toBe(`return:${order.returnId}:refunded`);
    expect(mail.subject).toBe(`ご注文 ${order.orderName} のご返金について`);
    expect(mail.text).toContain("ご購入時のお支払い方法へ￥3,300をご返金いたしました。");
    expect(mail.text).not.toContain("3,300.00");
    const token = orderLinkOf(mail.text ?? "", order.orderId);
    expect(verifyOrderLinkToken(SHOP, order.orderId, token, { secret: SECRET })).toBe(true);
    expect(verifyOrderLinkToken(SHOP, `${order.orderId}1`, token, { secret: SECRET })).toBe(false);
  });

  it("refunds without a return: a retry is one notice, a second goodwill refund is its own", async () => {
    const order = await orderWithReturn({ locale: "en" });
    const refund = (n: number, shopifyId: string) =>
      db.moneyAction.create({
        data: {
          shop: SHOP,
          orderId: order.orderId,
          kind: "refund",
          subjectKey: `order:${order.orderId}:refund:${n}`,
          idempotencyKey: `k-${order.orderId}-${n}`,
          state: "succeeded",
          method: "original",
          amount: "1100",
          currency: "JPY",
          request: "{}",
          shopifyId,
          finishedAt: new Date(Date.now() + n),
        },
      });
    await refund(0, "880001");
    const extra = { orderId: order.orderId, amount: "1100", currency: "JPY" };
    await tellCustomerAboutReturn(db, SHOP, null, "refunded", extra);
    await tellCustomerAboutReturn(db, SHOP, null, "refunded", extra);
    await refund(1, "880002");
    await tellCustomerAboutReturn(db, SHOP, null, "refunded", extra);
    const notices = await noticesOf(order.orderId);
    expect(notices.map((notice) => notice.dedupeKey)).toEqual([
      `refund:${order.orderId}:880001`,
      `refund:${order.orderId}:880002`,
    ]);
    expect(notices[0]!.subject).toBe(`Your refund for ${order.orderName}`);
    expect(notices[0]!.bodyText).toContain("We have refunded ¥1,100 to your original payment method");
  });

  it("an approval with a label links the label; keep-the-item says nothing goes back", async () => {
    const withLabel = await orderWithReturn({
      locale: "en",
      returnPatch: {
        status: "OPEN",
        reverseDeliveries: JSON.stringify([
          {
            carrier: "Yamato",
            trackingNumber: "4455-6677",
            trackingUrl: "https://track.example/4455",
            labelUrl: "https://cdn.example/label.pdf",
          },
        ]),
      },
    });
    await tellCustomerAboutReturn(db, SHOP, withLabel.returnId, "label");
    const { mail } = await delivered(withLabel.orderId, "return_label", withLabel.email);
    expect(mail.text).toContain("Print your return label: https://cdn.example/label.pdf");
    expect(mail.text).toContain("Tracking number (Yamato): 4455-6677");
    expect(mail.html).toContain('href="https://cdn.example/label.pdf"');

    const keep = await orderWithReturn({ locale: "ja", returnPatch: { status: "OPEN", resolution: "keep_item" } });
    await tellCustomerAboutReturn(db, SHOP, keep.returnId, "approved");
    const [approved] = await noticesOf(keep.orderId);
    expect(approved!.kind).toBe("return_approved");
    expect(approved!.bodyText).toContain("商品をご返送いただく必要はございません。");
  });

  it("an order cancellation is told once per order", async () => {
    const order = await orderWithReturn({ locale: "en" });
    await tellCustomerOrderCancelled(db, SHOP, order.orderId);
    await tellCustomerOrderCancelled(db, SHOP, order.orderId);
    await tellCustomerAboutReturn(db, SHOP, null, "cancelled", { orderId: order.orderId });
    const { notice, mail } = await delivered(order.orderId, "order_cancelled", order.email);
    expect(notice.dedupeKey).toBe(`order:${order.orderId}:cancelled`);
    expect(mail.subject).toBe(`Your order ${order.orderName} has been cancelled`);
    expect(mail.text).toContain("Linen apron (Indigo) × 2");
  });

  it("never throws: an unknown return, another shop's return and a failing database leave the step alone", async () => {
    const order = await orderWithReturn({ locale: "en" });
    await expect(tellCustomerAboutReturn(db, SHOP, "404404", "approved")).resolves.toBeUndefined();
    await expect(
      tellCustomerAboutReturn(db, "other-shop.myshopify.com", order.returnId, "approved"),
    ).resolves.toBeUndefined();
    expect(await noticesOf(order.orderId)).toHaveLength(0);

    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const broken = {
      return: { findUnique: () => Promise.reject(new Error("database away\nstack")) },
    } as unknown as Db;
    await expect(tellCustomerAboutReturn(broken, SHOP, order.returnId, "declined")).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).not.toContain("\n");
    warn.mockRestore();
  });
});
