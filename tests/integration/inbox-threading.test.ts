// Replies as real mail clients write them (fixtures under tests/fixtures/inbox,
// written for these tests) land in their conversation on both databases:
// Gmail, Outlook with a changed subject and Apple Mail by their references, a
// phone's reply with no References by the reply address, a reply to a delay
// notice (delivered over real SMTP with its Message-ID and the shop's inbox as
// Reply-To) in that order's conversation. Auto-replies and bounces open nothing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { simpleParser, type AddressObject } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../app/db.server.ts";
import type { InboxDeps } from "../../app/inbox/channels/channel.server.ts";
import { receiveRawMail, type RawMailResult } from "../../app/inbox/channels/email-inbound.server.ts";
import { receiveOrderPageMessage } from "../../app/inbox/channels/order-page.server.ts";
import { receiveSms } from "../../app/inbox/channels/sms.server.ts";
import { replyToConversation, resolveConversation } from "../../app/inbox/conversation-actions.server.ts";
import { readConversation } from "../../app/inbox/conversations.server.ts";
import { inboxAddress, replyAddress } from "../../app/inbox/inbox-address.server.ts";
import { deliverNotice, type DeliveryDeps } from "../../app/notices/deliver-notice.server.ts";
import { createSmtpMailer } from "../../app/notices/mailer.server.ts";
import { queueNotice } from "../../app/notices/queue-notice.server.ts";
import { recordInstall } from "../../app/shops/record-install.server.ts";
import { startMailSink, type MailSink } from "../../sandbox/mail/mail-sink.ts";
import { PROVIDERS, createTestDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "kizuna-inbox-threading.myshopify.com";
const DOMAIN = "in.kizuna.test";
const FIXTURES = join(import.meta.dirname, "../fixtures/inbox");

/** A fixture with its placeholders filled. */
function fixture(name: string, values: Record<string, string>): Buffer {
  let text = readFileSync(join(FIXTURES, name), "utf8");
  for (const [key, value] of Object.entries(values)) text = text.replaceAll(`{{${key}}}`, value);
  expect(text).not.toMatch(/\{\{[A-Z_]+\}\}/);
  return Buffer.from(text);
}

/** The first mail of a conversation, as a customer writes it. */
function firstMail(to: string, from = "emma.wilson@example.com", id = "first-01@example.com"): Buffer {
  return Buffer.from(
    [
      `From: Emma Wilson <${from}>`,
      `To: ${to}`,
      "Subject: Where is my order #1001?",
      "Date: Tue, 1 Dec 2026 09:00:00 +0000",
      `Message-ID: <${id}>`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "Hello, my order #1001 has not arrived yet. Where is it?",
      "",
    ].join("\r\n"),
  );
}

function stored(result: RawMailResult) {
  if (result.status !== "stored") throw new Error(`not stored: ${result.status}`);
  return result;
}

describe.each(PROVIDERS)("inbox threading on %s", (provider) => {
  let database: TestDatabase;
  let db: Db;
  let sink: MailSink;
  let deps: InboxDeps;
  let inbox: string;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
    sink = await startMailSink();
    deps = {
      mailer: createSmtpMailer(sink.url),
      sms: null,
      now: () => new Date(),
      publicUrl: "https://kizuna.example.com",
      inboundDomain: DOMAIN,
    };
    await recordInstall(db, SHOP, null);
    await db.shop.update({ where: { domain: SHOP }, data: { name: "Kizuna Test Store", timezone: "Asia/Tokyo" } });
    await db.shopSettings.create({ data: { shop: SHOP, quietStart: "00:00", quietEnd: "00:00" } });
    inbox = await inboxAddress(db, SHOP, DOMAIN);
  });

  afterAll(async () => {
    deps?.mailer.close?.();
    await sink?.close();
    await database?.drop();
  });

  it("Gmail, Outlook (subject changed) and Apple Mail replies thread by their references; a phone's by the reply address", async () => {
    const opened = stored(await receiveRawMail(db, firstMail(inbox), { recipients: [inbox] }));
    expect(opened).toMatchObject({ opened: true, channel: "email" });
    const reply = await replyToConversation(db, deps, SHOP, opened.conversationId, {
      text: "It left our warehouse today.\nTracking: 1234",
      author: "Aiko",
    });
    expect(reply.status).toBe("sent");
    const sent = await sink.waitFor((mail) => mail.envelope.to.includes("emma.wilson@example.com"));
    const parsed = await simpleParser(Buffer.from(sent.raw));
    const { replyToken } = await db.conversation.findUniqueOrThrow({ where: { id: opened.conversationId } });
    expect((parsed.replyTo as AddressObject).value[0]?.address).toBe(replyAddress(replyToken, DOMAIN));
    expect(parsed.inReplyTo).toBe("<first-01@example.com>");
    const ours = parsed.messageId!;
    expect((await db.message.findUniqueOrThrow({ where: { id: reply.messageId } })).providerMessageId).toBe(ours);

    const values = { TO: inbox, IN_REPLY_TO: ours, REFERENCES: `<first-01@example.com> ${ours}` };
    for (const [name, shown] of [
      ["gmail-reply.eml", "Thanks! The tracking link works now."],
      ["outlook-reply-changed-subject.eml", "Could you wrap it as a present as well?"],
      ["apple-mail-reply.eml", "It arrived this evening, thank you."],
    ] as const) {
      // Resolved first, so the sender's open conversation cannot be what threads it: only the references can.
      await resolveConversation(db, SHOP, opened.conversationId, "Aiko");
      const result = stored(await receiveRawMail(db, fixture(name, values), { recipients: [inbox] }));
      expect(result.conversationId, name).toBe(opened.conversationId);
      const message = await db.message.findUniqueOrThrow({ where: { id: result.messageId } });
      expect(message.text.startsWith(shown), name).toBe(true);
      expect(message.text, name).not.toMatch(/warehouse/);
      expect(message.fullText, name).toMatch(/warehouse/);
      expect(await db.messageOriginal.count({ where: { messageId: result.messageId } })).toBe(1);
      const conversation = await db.conversation.findUniqueOrThrow({ where: { id: opened.conversationId } });
      expect(conversation.status, name).toBe("open");
    }

    await resolveConversation(db, SHOP, opened.conversationId, "Aiko");
    const phone = stored(
      await receiveRawMail(db, fixture("phone-no-references.eml", { TO: replyAddress(replyToken, DOMAIN) }), {
        recipients: [replyAddress(replyToken, DOMAIN)],
      }),
    );
    expect(phone.conversationId).toBe(opened.conversationId);

    // The same subject from someone else is someone else's conversation.
    const stranger = stored(
      await receiveRawMail(db, firstMail(inbox, "someone@example.net", "first-02@example.net"), {
        recipients: [inbox],
      }),
    );
    expect(stranger.conversationId).not.toBe(opened.conversationId);
    expect(stranger.opened).toBe(true);

    // Delivered twice (a retrying relay): stored once.
    const again = stored(await receiveRawMail(db, fixture("gmail-reply.eml", values), { recipients: [inbox] }));
    expect(again.duplicate).toBe(true);
    const detail = await readConversation(db, SHOP, opened.conversationId);
    expect(detail?.messages.filter((message) => message.direction === "incoming")).toHaveLength(5);
  });

  it("a reply to a delay notice lands in the conversation of that order", async () => {
    const noticeDeps: DeliveryDeps = {
      mailer: deps.mailer,
      sms: null,
      now: () => new Date(),
      publicUrl: "https://kizuna.example.com",
      secret: "s",
      inboundDomain: DOMAIN,
    };
    await db.order.create({
      data: {
        shop: SHOP,
        id: "9042",
        name: "#1042",
        email: "hanako@example.jp",
        currency: "JPY",
        totalPrice: "4800",
        shopifyCreatedAt: new Date(),
        shopifyUpdatedAt: new Date(),
      },
    });
    const queued = await queueNotice(db, {
      shop: SHOP,
      kind: "delay",
      dedupeKey: "delay:9042:late",
      email: "hanako@example.jp",
      orderId: "9042",
      locale: "en",
      variables: { orderName: "#1042", items: "Tea × 1", reason: "late" },
    });
    const noticeId = (queued as { noticeId: number }).noticeId;
    expect((await deliverNotice(db, noticeDeps, noticeId)).status).toBe("sent");
    const sent = await sink.waitFor((mail) => mail.envelope.to.includes("hanako@example.jp"));
    const parsed = await simpleParser(Buffer.from(sent.raw));
    // Replies go to the shop's inbox, and the notice's Message-ID is stored to thread them.
    expect((parsed.replyTo as AddressObject).value[0]?.address).toBe(inbox);
    const notice = await db.notice.findUniqueOrThrow({ where: { id: noticeId } });
    expect(notice.providerMessageId).toBe(parsed.messageId);

    const reply = stored(
      await receiveRawMail(db, fixture("delay-notice-reply.eml", { TO: inbox, NOTICE_ID: parsed.messageId! }), {
        recipients: [inbox],
      }),
    );
    expect(reply.opened).toBe(true);
    const conversation = await db.conversation.findUniqueOrThrow({ where: { id: reply.conversationId } });
    expect(conversation.orderId).toBe("9042");
    expect(conversation.status).toBe("open");
  });

  it("an auto-reply and a bounce open nothing", async () => {
    const before = await db.conversation.count({ where: { shop: SHOP } });
    const contactsBefore = await db.contact.count({ where: { shop: SHOP } });
    const auto = await receiveRawMail(db, fixture("auto-reply.eml", { TO: inbox }), { recipients: [inbox] });
    expect(auto).toMatchObject({ status: "dropped", kind: "auto_reply" });
    const bounce = await receiveRawMail(db, fixture("bounce.eml", { TO: inbox, BOUNCED: "nobody-here@example.org" }), {
      recipients: [inbox],
    });
    expect(bounce).toMatchObject({ status: "dropped", kind: "bounce" });
    expect(await db.conversation.count({ where: { shop: SHOP } })).toBe(before);
    expect(await db.contact.count({ where: { shop: SHOP } })).toBe(contactsBefore);

    // A bounce of mail to a customer with an open conversation is shown there, and changes nothing else.
    const opened = stored(
      await receiveRawMail(db, firstMail(inbox, "bounced.customer@example.com", "first-bounce@example.com"), {
        recipients: [inbox],
      }),
    );
    await replyToConversation(db, deps, SHOP, opened.conversationId, { text: "We sent it.", author: "Aiko" });
    const shownBounce = stored(
      await receiveRawMail(
        db,
        Buffer.from(
          fixture("bounce.eml", { TO: inbox, BOUNCED: "bounced.customer@example.com" })
            .toString()
            .replace("bounce-01@", "bounce-02@"),
        ),
        { recipients: [inbox] },
      ),
    );
    expect(shownBounce.conversationId).toBe(opened.conversationId);
    const message = await db.message.findUniqueOrThrow({ where: { id: shownBounce.messageId } });
    expect(message).toMatchObject({ kind: "bounce", author: null });
    expect(await db.conversation.findUniqueOrThrow({ where: { id: opened.conversationId } })).toMatchObject({
      status: "waiting",
      waitingSince: null,
      exchanges: 1,
    });
  });

  it("script in a mail stays text; its HTML is stored sanitized", async () => {
    const result = stored(await receiveRawMail(db, fixture("script.eml", { TO: inbox }), { recipients: [inbox] }));
    const message = await db.message.findUniqueOrThrow({ where: { id: result.messageId } });
    expect(message.text).toContain("<script>alert(1)</script>");
    expect(message.html).not.toBeNull();
    expect(message.html).not.toMatch(/<script|onclick|onerror|javascript:/i);
    expect(message.subject).toBe('<script>alert("subject")</script>');
  });

  it("an SMS, an order-page message and a forwarded Etsy notification from one person end under one contact", async () => {
    // The buyer's Etsy receipt carries the email of the Shopify customer who texts from this phone.
    await db.customer.create({
      data: { shop: SHOP, id: "8801", email: "hanako.etsy@example.jp", phone: "+819055556666", firstName: "Hanako" },
    });
    const now = new Date();
    await db.order.createMany({
      data: [
        {
          shop: SHOP,
          id: "8811",
          name: "#1088",
          customerId: "8801",
          email: "hanako.etsy@example.jp",
          currency: "JPY",
          totalPrice: "3000",
          shopifyCreatedAt: now,
          shopifyUpdatedAt: now,
        },
        {
          shop: SHOP,
          id: "etsy:2847193650",
          name: "Etsy #2847193650",
          source: "etsy",
          email: "hanako.etsy@example.jp",
          currency: "JPY",
          totalPrice: "2500",
          shopifyCreatedAt: now,
          shopifyUpdatedAt: now,
        },
      ],
    });
    const sms = await receiveSms(db, SHOP, { from: "+819055556666", body: "いつ届きますか？", sid: "SMthreading01" });
    const page = await receiveOrderPageMessage(db, SHOP, { orderId: "8811", text: "サイズを変えたいです" });
    const etsy = stored(await receiveRawMail(db, fixture("etsy-conversation.eml", {}), { recipients: [inbox] }));
    expect(etsy.channel).toBe("etsy");
    if (sms.dropped || page.dropped) throw new Error("dropped");
    const conversations = await db.conversation.findMany({
      where: { id: { in: [sms.conversationId, page.conversationId, etsy.conversationId] } },
    });
    expect(new Set(conversations.map((row) => row.contactId)).size).toBe(1);
    const etsyConversation = conversations.find((row) => row.id === etsy.conversationId)!;
    expect(etsyConversation).toMatchObject({
      channel: "etsy",
      orderId: "etsy:2847193650",
      etsyUrl: "https://www.etsy.com/conversations/998877",
    });
    const message = await db.message.findUniqueOrThrow({ where: { id: etsy.messageId } });
    expect(message.text).toBe("Could you tell me when my order ships?");
    // The forwarder (the seller's mailbox) is no identity of the buyer.
    expect(await db.contactIdentity.count({ where: { shop: SHOP, value: "seller@example.com" } })).toBe(0);
    // The same notification forwarded twice is one message.
    const again = stored(await receiveRawMail(db, fixture("etsy-conversation.eml", {}), { recipients: [inbox] }));
    expect(again).toMatchObject({ duplicate: true, messageId: etsy.messageId });
  });

  it("mail to no address of ours is refused; unreadable bytes too", async () => {
    expect(
      await receiveRawMail(db, firstMail("inbox+aaaaaaaaaaaaaaaa@in.kizuna.test"), {
        recipients: ["inbox+aaaaaaaaaaaaaaaa@in.kizuna.test"],
      }),
    ).toEqual({ status: "unknown_address" });
    expect(await receiveRawMail(db, Buffer.from(""), { recipients: [inbox] })).toEqual({ status: "unreadable" });
  });
});
