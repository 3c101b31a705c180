// The notice engine end to end on both databases: queueNotice → deliverNotice
// over real SMTP (the sandbox mail sink) and real HTTP (the sandbox SMS sink).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import type { Db } from "../../app/db.server.ts";
import { deliverNotice, NOTICE_MAX_ATTEMPTS, type DeliveryDeps } from "../../app/notices/deliver-notice.server.ts";
import { handleInboundSms } from "../../app/notices/inbound-sms.server.ts";
import { createSmtpMailer, HeaderInjectionError, type Mailer } from "../../app/notices/mailer.server.ts";
import { saveNoticeTemplate } from "../../app/notices/notice-templates.server.ts";
import { noticesForFulfillmentEvent } from "../../app/notices/order-updates.server.ts";
import { queueNotice } from "../../app/notices/queue-notice.server.ts";
import { sendTestNotice } from "../../app/notices/send-test-notice.server.ts";
import { noticeNotifier } from "../../app/restock/notifier.server.ts";
import { resendNotice } from "../../app/notices/resend-notice.server.ts";
import { createTwilioSms } from "../../app/notices/sms.server.ts";
import { unsubscribeWithToken, verifyUnsubscribeToken } from "../../app/notices/suppression.server.ts";
import { getShopSettings, saveShopSettings } from "../../app/settings/shop-settings.server.ts";
import { startMailSink, type MailSink } from "../../sandbox/mail/mail-sink.ts";
import { createSmsSinkHandler, createSmsStore, type SmsStore } from "../../sandbox/sms/sms-sink.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "kizuna-notices.myshopify.com";
const SECRET = "test-app-secret";
const PUBLIC_URL = "https://kizuna.example.com";
// 12:00 in Tokyo: outside quiet hours.
const NOON_JST = new Date("2026-11-23T03:00:00Z");

describeEachDatabase("notice engine", (provider) => {
  let database: TestDatabase;
  let db: Db;
  let sink: MailSink;
  let smsStore: SmsStore;
  let smsServer: Server;
  let smsBase: string;
  let deps: DeliveryDeps;
  let seq = 0;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
    sink = await startMailSink();
    smsStore = createSmsStore();
    const handler = createSmsSinkHandler(smsStore);
    smsServer = createServer((request, response) => {
      void Promise.resolve(handler(request, response, new URL(request.url ?? "/", "http://127.0.0.1"))).then((done) => {
        if (!done) response.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => smsServer.listen(0, "127.0.0.1", resolve));
    smsBase = `http://127.0.0.1:${(smsServer.address() as AddressInfo).port}/sms`;
    deps = {
      mailer: createSmtpMailer(sink.url),
      sms: createTwilioSms({
        baseUrl: smsBase,
        accountSid: "ACsandbox",
        authToken: "sandbox-token",
        from: "+15005550006",
      }),
      now: () => NOON_JST,
      publicUrl: PUBLIC_URL,
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
    await new Promise((resolve) => smsServer.close(resolve));
    await database.drop();
  });

  beforeEach(async () => {
    sink.clear();
    smsStore.clear();
    await db.notice.deleteMany({});
    await db.noticeEvent.deleteMany({});
    await db.noticeDailyCount.deleteMany({});
    await db.suppression.deleteMany({});
    await db.shopSettings.deleteMany({});
    await db.noticeTemplate.deleteMany({});
  });

  async function customerWithOrder(options: { locale?: string; smsConsent?: string; emailConsent?: string } = {}) {
    seq += 1;
    const customerId = `c${seq}`;
    const orderId = `o${seq}`;
    await db.customer.create({
      data: {
        shop: SHOP,
        id: customerId,
        email: `customer${seq}@example.com`,
        phone: `+8190123400${String(seq).padStart(2, "0")}`,
        firstName: options.locale === "ja" ? "花子" : "Emma",
        lastName: options.locale === "ja" ? "山田" : "Stone",
        locale: options.locale ?? "en",
        smsConsent: options.smsConsent ?? null,
        emailConsent: options.emailConsent ?? null,
      },
    });
    await db.order.create({
      data: {
        shop: SHOP,
        id: orderId,
        name: `#10${String(seq).padStart(2, "0")}`,
        customerId,
        currency: "JPY",
        totalPrice: "4400",
        shopifyCreatedAt: new Date("2026-11-18T01:00:00Z"),
        shopifyUpdatedAt: new Date("2026-11-18T01:00:00Z"),
      },
    });
    await db.lineItem.create({
      data: {
        shop: SHOP,
        id: `li${seq}`,
        orderId,
        title: "Linen apron",
        variantTitle: "Indigo",
        quantity: 1,
        price: "4400",
      },
    });
    return {
      customerId,
      orderId,
      orderName: `#10${String(seq).padStart(2, "0")}`,
      email: `customer${seq}@example.com`,
    };
  }

  /** One queued delay notice per reason for the customer's order; their ids. */
  async function queuedDelays(customer: { customerId: string; orderId: string }, reasons: string[]): Promise<number[]> {
    const ids: number[] = [];
    for (const reason of reasons) {
      const result = await delay(customer, `delay:${customer.orderId}:${reason}`);
      if (result.status !== "queued") throw new Error("not queued");
      ids.push(result.noticeId);
    }
    return ids;
  }

  function delay(customer: { customerId: string; orderId: string }, key = `delay:${customer.orderId}:late`) {
    return queueNotice(db, {
      shop: SHOP,
      kind: "delay",
      dedupeKey: key,
      customerId: customer.customerId,
      orderId: customer.orderId,
      variables: {
        reason: "The carrier reported a delay.",
        "reason@ja": "配送業者から遅延の連絡がありました。",
        newEstimate: "2026-12-03",
        orderStatusUrl: "https://tsumugi.example/orders/status",
      },
    });
  }

  it("delivers a delay notice in the customer's language, with their name, order, items and reason", async () => {
    const ja = await customerWithOrder({ locale: "ja" });
    const en = await customerWithOrder({ locale: "en-US" });
    const first = await delay(ja);
    const second = await delay(en);
    expect(first.status).toBe("queued");
    expect(second.status).toBe("queued");
    if (first.status !== "queued" || second.status !== "queued") return;
    expect(await deliverNotice(db, deps, first.noticeId)).toMatchObject({ status: "sent" });
    expect(await deliverNotice(db, deps, second.noticeId)).toMatchObject({ status: "sent" });

    const jaMail = await sink.waitFor((m) => m.to.includes(ja.email));
    expect(jaMail.subject).toBe(`ご注文 ${ja.orderName} のお届けが遅れています`);
    expect(jaMail.text).toContain("山田 花子様");
    expect(jaMail.text).toContain(`ご注文 ${ja.orderName}（Linen apron（Indigo） × 1）`);
    expect(jaMail.text).toContain("配送業者から遅延の連絡がありました。");
    expect(jaMail.text).toContain("12月3日");
    expect(jaMail.html).toContain('<a href="https://tsumugi.example/orders/status">');
    expect(jaMail.from).toContain("Tsumugi Store");
    expect(jaMail.headers["list-unsubscribe"]).toBeUndefined();

    const enMail = await sink.waitFor((m) => m.to.includes(en.email));
    expect(enMail.subject).toBe(`Your order ${en.orderName} is running late`);
    expect(enMail.text).toContain("Hi Emma,");
    expect(enMail.text).toContain("Linen apron (Indigo) × 1");
    expect(enMail.text).toContain("The carrier reported a delay.");
    expect(enMail.text).toContain("Thursday, December 3");

    const events = await db.noticeEvent.findMany({ where: { noticeId: first.noticeId }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.status)).toEqual(["queued", "sending", "sent"]);
  });

  it("sends exactly one mail per dedupe key: triple queue, repeated jobs, concurrent workers, a crash mid-send", async () => {
    const customer = await customerWithOrder();
    const results = await Promise.all([delay(customer), delay(customer), delay(customer)]);
    expect(results.filter((r) => r.status === "queued")).toHaveLength(1);
    expect(results.filter((r) => r.status === "duplicate")).toHaveLength(2);
    expect(await db.notice.count({ where: { shop: SHOP } })).toBe(1);
    const queued = results.find((r) => r.status === "queued");
    if (queued?.status !== "queued") throw new Error("not queued");

    // Three workers at once, then the job repeated: one mail.
    const outcomes = await Promise.all([1, 2, 3].map(() => deliverNotice(db, deps, queued.noticeId)));
    expect(outcomes.filter((o) => o.status === "sent")).toHaveLength(1);
    expect(await deliverNotice(db, deps, queued.noticeId)).toEqual({ status: "already_sent" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await sink.messages()).filter((m) => m.to.includes(customer.email))).toHaveLength(1);

    // A worker that dies after SMTP accepted the mail, before "sent" was written.
    const other = await customerWithOrder();
    const crashing = await delay(other);
    if (crashing.status !== "queued") throw new Error("not queued");
    const crashMailer: Mailer = {
      send: async (message) => {
        await deps.mailer.send(message);
        return new Promise(() => undefined); // the process is gone
      },
    };
    void deliverNotice(db, { ...deps, mailer: crashMailer }, crashing.noticeId);
    await sink.waitFor((m) => m.to.includes(other.email));
    expect((await db.notice.findUnique({ where: { id: crashing.noticeId } }))?.status).toBe("sending");
    // BullMQ re-runs the stalled job: still in progress, nothing sent.
    expect((await deliverNotice(db, deps, crashing.noticeId)).status).toBe("in_progress");
    // Long after: the interrupted send goes to the dead-letter list instead of a guess.
    const later = { ...deps, now: () => new Date(Date.now() + 10 * 60_000) };
    expect((await deliverNotice(db, later, crashing.noticeId)).status).toBe("dead");
    expect((await deliverNotice(db, later, crashing.noticeId)).status).toBe("dead");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await sink.messages()).filter((m) => m.to.includes(other.email))).toHaveLength(1);
  });

  it("defers in quiet hours (shop time) and sends when they end", async () => {
    const customer = await customerWithOrder();
    const queued = await delay(customer);
    if (queued.status !== "queued") throw new Error("not queued");
    const tenPmTokyo = new Date("2026-11-23T13:00:00Z");
    const result = await deliverNotice(db, { ...deps, now: () => tenPmTokyo }, queued.noticeId);
    expect(result).toEqual({
      status: "deferred",
      sendAfter: new Date("2026-11-23T23:00:00Z"), // 08:00 the next morning in Tokyo
      delayMs: 10 * 3_600_000,
    });
    expect((await db.notice.findUnique({ where: { id: queued.noticeId } }))?.status).toBe("deferred");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sink.received()).toBe(0);

    const eightAm = new Date("2026-11-23T23:00:00Z");
    expect(await deliverNotice(db, { ...deps, now: () => eightAm }, queued.noticeId)).toMatchObject({ status: "sent" });
    await sink.waitFor((m) => m.to.includes(customer.email));
    const statuses = (
      await db.noticeEvent.findMany({ where: { noticeId: queued.noticeId }, orderBy: { id: "asc" } })
    ).map((e) => e.status);
    expect(statuses).toEqual(["queued", "deferred", "sending", "sent"]);
  });

  it("one-click unsubscribe: List-Unsubscribe on a non-transactional mail, then nothing more of that class", async () => {
    const customer = await customerWithOrder();
    const restock = (key: string) =>
      queueNotice(db, {
        shop: SHOP,
        kind: "restock",
        dedupeKey: key,
        customerId: customer.customerId,
        email: customer.email,
        locale: "en",
        variables: {
          productTitle: "Linen apron",
          variantTitle: "Indigo",
          price: "4400",
          productUrl: "https://tsumugi.example/p/apron",
        },
      });
    const first = await restock("restock:v1:1:1");
    if (first.status !== "queued") throw new Error("not queued");
    await deliverNotice(db, deps, first.noticeId);
    const mail = await sink.waitFor((m) => m.to.includes(customer.email));
    expect(mail.text).toContain("¥4,400");
    expect(mail.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    const link = /<(https:\/\/[^>]+)>/.exec(mail.headers["list-unsubscribe"] ?? "")?.[1];
    expect(link).toMatch(/^https:\/\/kizuna\.example\.com\/notices\/unsubscribe\?token=/);
    const token = new URL(link ?? "https://x").searchParams.get("token") ?? "";
    expect(await unsubscribeWithToken(db, SECRET, token)).toMatchObject({ ok: true });

    const second = await restock("restock:v1:1:2");
    if (second.status !== "queued") throw new Error("not queued");
    expect(await deliverNotice(db, deps, second.noticeId)).toEqual({
      status: "suppressed",
      reason: "suppressed:unsubscribed",
    });
    // A transactional delay notice about their own order still arrives.
    const delayed = await delay(customer);
    if (delayed.status !== "queued") throw new Error("not queued");
    expect(await deliverNotice(db, deps, delayed.noticeId)).toMatchObject({ status: "sent" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await sink.messages()).filter((m) => m.to.includes(customer.email))).toHaveLength(2);
  });

  it("a forged or altered unsubscribe token changes nothing", async () => {
    const customer = await customerWithOrder();
    const forged = Buffer.from(JSON.stringify([SHOP, "email", customer.email, "all"])).toString("base64url");
    for (const token of [`${forged}.${"A".repeat(43)}`, "garbage", ""]) {
      expect(await unsubscribeWithToken(db, SECRET, token)).toMatchObject({ ok: false });
    }
    expect(await db.suppression.count()).toBe(0);
  });

  it("SMS goes only with consent, over the provider's HTTP API, and STOP / 停止 opts the number out", async () => {
    const consenting = await customerWithOrder({ locale: "ja", smsConsent: "SUBSCRIBED" });
    const sms = (customer: { customerId: string; orderId: string }, key: string) =>
      queueNotice(db, {
        shop: SHOP,
        kind: "delay",
        dedupeKey: key,
        customerId: customer.customerId,
        orderId: customer.orderId,
        channel: "sms",
        variables: { reason: "遅延しています。" },
      });
    const first = await sms(consenting, "sms:1");
    if (first.status !== "queued") throw new Error("not queued");
    expect(await deliverNotice(db, deps, first.noticeId)).toMatchObject({ status: "sent" });
    const text = await smsStore.waitFor((m) => m.direction === "outbound-api");
    expect(text.body).toContain("山田 花子様");
    expect(text.body).toContain(consenting.orderName);

    const phone = text.to;
    expect(await handleInboundSms(db, SHOP, { from: phone, body: "停止" })).toMatchObject({ action: "stopped" });
    const second = await sms(consenting, "sms:2");
    if (second.status !== "queued") throw new Error("not queued");
    expect(await deliverNotice(db, deps, second.noticeId)).toEqual({
      status: "suppressed",
      reason: "suppressed:sms_stop",
    });

    const noConsent = await customerWithOrder({ smsConsent: "NOT_SUBSCRIBED" });
    const third = await sms(noConsent, "sms:3");
    if (third.status !== "queued") throw new Error("not queued");
    expect(await deliverNotice(db, deps, third.noticeId)).toEqual({ status: "suppressed", reason: "no_sms_consent" });
    expect(smsStore.messages().filter((m) => m.direction === "outbound-api")).toHaveLength(1);

    expect(await handleInboundSms(db, SHOP, { from: phone, body: "START" })).toMatchObject({ action: "started" });
    const fourth = await sms(consenting, "sms:4");
    if (fourth.status !== "queued") throw new Error("not queued");
    expect(await deliverNotice(db, deps, fourth.noticeId)).toMatchObject({ status: "sent" });
  });

  it("the daily cap suppresses the third proactive notice for a customer", async () => {
    const customer = await customerWithOrder();
    const ids = await queuedDelays(customer, ["a", "b", "c"]);
    const outcomes = [];
    for (const id of ids) outcomes.push(await deliverNotice(db, deps, id));
    expect(outcomes.map((o) => o.status)).toEqual(["sent", "sent", "suppressed"]);
    expect(outcomes[2]).toEqual({ status: "suppressed", reason: "daily_cap:2" });
  });

  it("the daily cap holds when a customer's notices are delivered at the same moment", async () => {
    const customer = await customerWithOrder();
    const ids = await queuedDelays(customer, ["a", "b", "c", "d", "e", "f"]);
    const outcomes = await Promise.all(ids.map((id) => deliverNotice(db, deps, id)));
    expect(outcomes.filter((o) => o.status === "sent")).toHaveLength(2);
    expect(outcomes.filter((o) => o.status === "suppressed")).toHaveLength(4);
    expect(sink.received()).toBe(2);
  });

  it("a send that fails gives its place under the daily cap back", async () => {
    const customer = await customerWithOrder();
    const ids = await queuedDelays(customer, ["a", "b", "c"]);
    const refusing: Mailer = {
      send: () => Promise.reject(Object.assign(new Error("451 try again later"), { responseCode: 451 })),
    };
    await expect(deliverNotice(db, { ...deps, mailer: refusing }, ids[0]!)).rejects.toThrow("451");
    // Two still fit today: the failed one took no place.
    expect((await deliverNotice(db, deps, ids[1]!)).status).toBe("sent");
    expect((await deliverNotice(db, deps, ids[2]!)).status).toBe("sent");
    // Its retry finds the cap full.
    expect(await deliverNotice(db, deps, ids[0]!)).toEqual({ status: "suppressed", reason: "daily_cap:2" });
  });

  it("rejects header injection in the mailer and in the sender settings", async () => {
    await expect(
      deps.mailer.send({
        from: { name: "Shop", address: "shop@example.com" },
        to: { address: "a@example.com" },
        subject: "Hello\r\nBcc: victim@example.com",
        text: "x",
        html: "<p>x</p>",
      }),
    ).rejects.toBeInstanceOf(HeaderInjectionError);
    await expect(
      deps.mailer.send({
        from: { name: "Shop\nBcc: v@example.com", address: "shop@example.com" },
        to: { address: "a@example.com" },
        subject: "Hello",
        text: "x",
        html: "<p>x</p>",
      }),
    ).rejects.toThrow(/line break/);
    const saved = await saveShopSettings(db, SHOP, {
      ...(await getShopSettings(db, SHOP)),
      holidayPreset: "none",
      senderName: "Tsumugi\r\nBcc: victim@example.com",
      senderEmail: "hello@tsumugi.example",
    });
    expect(saved).toMatchObject({ ok: false, errors: ["Sender name: line breaks are not allowed."] });
    expect(await db.shopSettings.count()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sink.received()).toBe(0);
  });

  it("a customer's name with a line break cannot reach the subject as a header", async () => {
    const customer = await customerWithOrder();
    await saveNoticeTemplate(db, SHOP, {
      kind: "delay",
      locale: "en",
      channel: "email",
      subject: "{{customerName}}, about {{orderName}}",
      body: "Hi {{customerName}}, {{orderName}} is late: {{reason}}",
    });
    const queued = await queueNotice(db, {
      shop: SHOP,
      kind: "delay",
      dedupeKey: "inject",
      customerId: customer.customerId,
      orderId: customer.orderId,
      name: "Eve\r\nBcc: victim@example.com",
      variables: { reason: "<script>alert(1)</script>" },
    });
    if (queued.status !== "queued") throw new Error("not queued");
    await deliverNotice(db, deps, queued.noticeId);
    const mail = await sink.waitFor((m) => m.to.includes(customer.email));
    expect(mail.subject).toBe(`Eve Bcc: victim@example.com, about ${customer.orderName}`);
    expect(mail.headers.bcc).toBeUndefined();
    expect(mail.envelope.to).toEqual([customer.email]);
    expect(mail.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(mail.html).not.toContain("<script>");
  });

  it("rejects unknown template variables on save, naming them, and uses a saved template", async () => {
    const bad = await saveNoticeTemplate(db, SHOP, {
      kind: "delay",
      locale: "en",
      channel: "email",
      subject: "Order {{orderNumber}}",
      body: "Hi {{customerName}}, {{trackingLink}}",
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.join(" ")).toContain("{{orderNumber}}");
    expect(bad.errors.join(" ")).toContain("{{trackingLink}}");
    expect(
      await db.noticeTemplate.count({ where: { shop: SHOP, kind: "delay", locale: "en", channel: "email" } }),
    ).toBe(0);
  });

  it("failed sends retry, end in the dead-letter list, and a resend re-queues the same notice", async () => {
    const customer = await customerWithOrder();
    const queued = await delay(customer);
    if (queued.status !== "queued") throw new Error("not queued");
    const broken = { ...deps, mailer: createSmtpMailer("smtp://127.0.0.1:1") };
    for (let attempt = 1; attempt <= NOTICE_MAX_ATTEMPTS; attempt += 1) {
      await expect(deliverNotice(db, broken, queued.noticeId)).rejects.toThrow();
    }
    const dead = await db.notice.findUnique({ where: { id: queued.noticeId } });
    expect(dead).toMatchObject({ status: "dead", attempts: NOTICE_MAX_ATTEMPTS });
    expect(await resendNotice(db, SHOP, queued.noticeId)).toEqual({ ok: true, noticeId: queued.noticeId });
    expect(await resendNotice(db, "other-shop.myshopify.com", queued.noticeId)).toMatchObject({
      ok: false,
      status: 404,
    });
    expect(await deliverNotice(db, deps, queued.noticeId)).toMatchObject({ status: "sent" });
    expect(await db.notice.count({ where: { shop: SHOP } })).toBe(1);
    await sink.waitFor((m) => m.to.includes(customer.email));
  });

  it("order updates follow the settings (off by default) and schedule the follow-up after delivery", async () => {
    const customer = await customerWithOrder();
    const event = { orderId: customer.orderId, fulfillmentId: "f1", status: "DELIVERED", happenedAt: NOON_JST };
    expect(await noticesForFulfillmentEvent(db, SHOP, event)).toEqual([]);
    const settings = await getShopSettings(db, SHOP);
    const saved = await saveShopSettings(db, SHOP, {
      ...settings,
      holidayPreset: "none",
      senderName: "",
      senderEmail: "",
      noticeKinds: { ...settings.noticeKinds, order_delivered: true, order_followup: true },
    });
    expect(saved.ok).toBe(true);
    const queued = await noticesForFulfillmentEvent(db, SHOP, event);
    expect(queued.map((q) => [q.kind, q.result.status])).toEqual([
      ["order_delivered", "queued"],
      ["order_followup", "queued"],
    ]);
    const again = await noticesForFulfillmentEvent(db, SHOP, event);
    expect(again.map((q) => q.result.status)).toEqual(["duplicate", "duplicate"]);
    const followUp = await db.notice.findFirst({ where: { shop: SHOP, kind: "order_followup" } });
    expect(followUp?.dedupeKey).toBe(`order_followup:${customer.orderId}`);
    expect(followUp?.sendAfter?.toISOString()).toBe(new Date(NOON_JST.getTime() + 7 * 86_400_000).toISOString());
    // Not before its time, then sent.
    expect((await deliverNotice(db, deps, followUp?.id ?? 0)).status).toBe("deferred");
    const week = { ...deps, now: () => new Date(NOON_JST.getTime() + 7 * 86_400_000) };
    expect((await deliverNotice(db, week, followUp?.id ?? 0)).status).toBe("sent");
    const mail = await sink.waitFor((m) => m.subject.startsWith("How is your order"));
    expect(mail.headers["list-unsubscribe"]).toBeDefined();
    expect(verifyUnsubscribeToken(SECRET, "x")).toBeNull();
  });

  it("'Send me a test' mails the edited template, rendered with sample values, to the sender", async () => {
    const template = {
      kind: "delay" as const,
      locale: "ja" as const,
      channel: "email" as const,
      subject: "{{orderName}} のお届けについて",
      body: "{{customerName}}様\n\n{{reason}}",
    };
    expect(await sendTestNotice(db, deps.mailer, SHOP, template, { publicUrl: PUBLIC_URL })).toMatchObject({
      ok: false,
      message: "Save a sender email address first: the test goes there.",
    });
    const settings = await getShopSettings(db, SHOP);
    await saveShopSettings(db, SHOP, {
      ...settings,
      holidayPreset: "none",
      senderName: "Tsumugi",
      senderEmail: "owner@tsumugi.example",
    });
    expect(await sendTestNotice(db, deps.mailer, SHOP, template, { publicUrl: PUBLIC_URL })).toEqual({
      ok: true,
      to: "owner@tsumugi.example",
    });
    const mail = await sink.waitFor((m) => m.to.includes("owner@tsumugi.example"));
    expect(mail.subject).toBe("［テスト］#1042 のお届けについて");
    expect(mail.text).toContain("山田 花子様");
    const bad = await sendTestNotice(
      db,
      deps.mailer,
      SHOP,
      { ...template, body: "{{nope}}" },
      { publicUrl: PUBLIC_URL },
    );
    expect(bad).toMatchObject({ ok: false });
  });

  it("the restock bridge (app/restock) queues through queueNotice: confirmation by SMS only with consent", async () => {
    await db.product.create({ data: { shop: SHOP, id: "p1", title: "Linen apron", handle: "linen-apron" } });
    await db.variant.create({ data: { shop: SHOP, id: "v1", productId: "p1", title: "Indigo", price: "4400" } });
    const subscription = await db.restockSubscription.create({
      data: { shop: SHOP, variantId: "v1", productId: "p1", email: "shopper@example.com", locale: "ja" },
    });
    await noticeNotifier(db, queueNotice).confirm(subscription);
    await noticeNotifier(db, queueNotice).confirm(subscription);
    const notices = await db.notice.findMany({ where: { shop: SHOP, kind: "restock_confirmation" } });
    expect(notices).toHaveLength(1);
    await deliverNotice(db, deps, notices[0]!.id);
    const mail = await sink.waitFor((m) => m.to.includes("shopper@example.com"));
    expect(mail.subject).toBe("Linen apron の再入荷をお知らせします");
    expect(mail.text).toContain("Linen apron（Indigo）");
    expect(mail.headers["list-unsubscribe"]).toContain("/notices/unsubscribe?token=");
  });

  it("a shopper who gave a phone and consented is texted when SMS is configured, else emailed", async () => {
    const texted = await db.restockSubscription.create({
      data: {
        shop: SHOP,
        variantId: "v1",
        productId: "p1",
        email: "texted@example.com",
        phone: "+819012345678",
        smsConsent: true,
        locale: "ja",
      },
    });
    const channelOf = async (email: string) =>
      (await db.notice.findFirstOrThrow({ where: { shop: SHOP, kind: "restock_confirmation", recipient: email } }))
        .channel;
    await noticeNotifier(db, queueNotice, true).confirm(texted);
    const sms = await db.notice.findFirstOrThrow({
      where: { shop: SHOP, kind: "restock_confirmation", recipient: "+819012345678" },
    });
    expect(sms.channel).toBe("sms");
    expect(sms.bodyText).toContain("STOP");

    const emailed = await db.restockSubscription.create({
      data: {
        shop: SHOP,
        variantId: "v1",
        productId: "p1",
        email: "no-sms-provider@example.com",
        phone: "+819012345679",
        smsConsent: true,
        locale: "ja",
      },
    });
    await noticeNotifier(db, queueNotice, false).confirm(emailed);
    expect(await channelOf("no-sms-provider@example.com")).toBe("email");
  });
});
