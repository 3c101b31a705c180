// The inbox's store on both databases: receiveMessage threads, dedupes and
// merges contacts; staff replies go out over real SMTP (the sandbox mail sink)
// threaded, and move the conversation's clocks; another shop's conversation
// is not found.
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../app/db.server.ts";
import type { InboxDeps } from "../../app/inbox/channels/channel.server.ts";
import { prepareEtsyMessage } from "../../app/inbox/channels/etsy.server.ts";
import { orderPageThread, receiveOrderPageMessage } from "../../app/inbox/channels/order-page.server.ts";
import { receiveSms } from "../../app/inbox/channels/sms.server.ts";
import { mergeContacts } from "../../app/inbox/contacts.server.ts";
import {
  addNote,
  assignConversation,
  markEtsyMessageSent,
  replyToConversation,
  resolveConversation,
  retryMessage,
  snoozeConversation,
  tagConversation,
} from "../../app/inbox/conversation-actions.server.ts";
import { listConversations, readConversation } from "../../app/inbox/conversations.server.ts";
import { InboxError } from "../../app/inbox/inbox-error.server.ts";
import { receiveMessage } from "../../app/inbox/receive-message.server.ts";
import { customerTimeline } from "../../app/inbox/timeline.server.ts";
import type { IncomingMessage } from "../../app/inbox/types.ts";
import { createSmtpMailer } from "../../app/notices/mailer.server.ts";
import { createTwilioSms } from "../../app/notices/sms.server.ts";
import { startMailSink, type MailSink } from "../../sandbox/mail/mail-sink.ts";
import { createSmsSinkHandler, createSmsStore, type SmsStore } from "../../sandbox/sms/sms-sink.ts";
import { close, originOf, serve } from "../support/serve.ts";
import { PROVIDERS, createTestDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "kizuna-inbox-store.myshopify.com";
const OTHER = "kizuna-inbox-other.myshopify.com";
const DOMAIN = "in.kizuna.test";

let serial = 0;
function mail(overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  serial++;
  return {
    channel: "email",
    providerMessageId: `<m${serial}.${process.pid}@mail.example.com>`,
    identities: [{ kind: "email", value: "Emma@Example.com" }],
    contactName: "Emma Wilson",
    subject: "Where is my order?",
    text: "Hello, where is my order?",
    kind: "message",
    fromAddress: "emma@example.com",
    fromName: "Emma Wilson",
    receivedAt: new Date(),
    ...overrides,
  };
}

async function stored(result: Awaited<ReturnType<typeof receiveMessage>>) {
  if (result.dropped) throw new Error("dropped");
  return result;
}

describe.each(PROVIDERS)("inbox store on %s", (provider) => {
  let database: TestDatabase;
  let db: Db;
  let sink: MailSink;
  let deps: InboxDeps;
  /** deps with SMS through the sandbox's Twilio stand-in (real HTTP). */
  let smsDeps: InboxDeps;
  let smsStore: SmsStore;
  let smsServer: Server;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
    sink = await startMailSink();
    smsStore = createSmsStore();
    smsServer = await serve([createSmsSinkHandler(smsStore)]);
    deps = {
      mailer: createSmtpMailer(sink.url),
      sms: null,
      now: () => new Date(),
      publicUrl: "https://kizuna.example.com",
      inboundDomain: DOMAIN,
    };
    smsDeps = {
      ...deps,
      sms: createTwilioSms({
        baseUrl: `${originOf(smsServer)}/sms`,
        accountSid: "ACsandbox",
        authToken: "sandbox-token",
        from: "+15005550006",
      }),
    };
    await db.shop.createMany({
      data: [
        { domain: SHOP, name: "Store" },
        { domain: OTHER, name: "Other" },
      ],
    });
  });

  afterAll(async () => {
    if (smsServer) await close(smsServer);
    deps?.mailer.close?.();
    await sink?.close();
    await database?.drop();
  });

  it("a first mail opens a conversation waiting since it came; the same message again is stored once", async () => {
    const first = mail({ identities: [{ kind: "email", value: "first@example.com" }] });
    const opened = await stored(await receiveMessage(db, SHOP, first));
    expect(opened).toMatchObject({ opened: true, duplicate: false });
    const again = await stored(await receiveMessage(db, SHOP, { ...first, receivedAt: new Date() }));
    expect(again).toMatchObject({
      duplicate: true,
      conversationId: opened.conversationId,
      messageId: opened.messageId,
    });
    expect(await db.message.count({ where: { shop: SHOP, conversationId: opened.conversationId } })).toBe(1);
    const conversation = await db.conversation.findUniqueOrThrow({ where: { id: opened.conversationId } });
    expect(conversation).toMatchObject({ status: "open", unread: 1, exchanges: 0 });
    expect(conversation.waitingSince?.getTime()).toBe(first.receivedAt.getTime());
  });

  it("two concurrent deliveries of one message store it once", async () => {
    const message = mail({ identities: [{ kind: "email", value: "race@example.com" }] });
    const results = await Promise.all(Array.from({ length: 4 }, () => receiveMessage(db, SHOP, { ...message })));
    const ids = new Set(results.map((result) => result.messageId));
    expect(ids.size).toBe(1);
    expect(results.filter((result) => !result.dropped && !result.duplicate)).toHaveLength(1);
    expect(await db.message.count({ where: { shop: SHOP, providerMessageId: message.providerMessageId } })).toBe(1);
    const contact = await db.contactIdentity.findMany({ where: { shop: SHOP, value: "race@example.com" } });
    expect(contact).toHaveLength(1);
    expect(await db.conversation.count({ where: { shop: SHOP, contactId: contact[0]!.contactId } })).toBe(1);
  });

  it("a staff reply goes out threaded with the reply address; the answer threads by In-Reply-To even with a new subject", async () => {
    const question = mail({
      identities: [{ kind: "email", value: "thread@example.com" }],
      fromAddress: "thread@example.com",
    });
    const opened = await stored(await receiveMessage(db, SHOP, question));
    const outcome = await replyToConversation(db, deps, SHOP, opened.conversationId, {
      text: "It left today.\nTracking: 1234",
      author: "Aiko",
    });
    expect(outcome.status).toBe("sent");
    const conversation = await db.conversation.findUniqueOrThrow({ where: { id: opened.conversationId } });
    const sent = await sink.waitFor((message) => message.to.includes("thread@example.com"));
    expect(sent.headers["reply-to"]).toBe(`reply+${conversation.replyToken}@${DOMAIN}`);
    expect(sent.headers["in-reply-to"]).toBe(question.providerMessageId);
    expect(sent.headers.references).toContain(question.providerMessageId!);
    expect(sent.subject).toBe("Re: Where is my order?");
    const outgoing = await db.message.findUniqueOrThrow({ where: { id: outcome.messageId } });
    expect(outgoing.providerMessageId).toBe(`<${sent.messageId!.replace(/^<|>$/g, "")}>`);
    expect(conversation).toMatchObject({ status: "waiting", waitingSince: null, exchanges: 1 });
    expect(conversation.firstResponseAt).not.toBeNull();

    // Outlook rewrote the subject; the In-Reply-To is what counts.
    const answer = await stored(
      await receiveMessage(
        db,
        SHOP,
        mail({
          identities: [{ kind: "email", value: "thread@example.com" }],
          subject: "AW: something else entirely",
          inReplyTo: outgoing.providerMessageId,
          references: [question.providerMessageId!, outgoing.providerMessageId!],
        }),
      ),
    );
    expect(answer.conversationId).toBe(opened.conversationId);
    const after = await db.conversation.findUniqueOrThrow({ where: { id: opened.conversationId } });
    expect(after.status).toBe("open");
    expect(after.waitingSince).not.toBeNull();
  });

  it("a mail to the reply address with no References lands in its conversation, whoever sends it", async () => {
    const opened = await stored(
      await receiveMessage(db, SHOP, mail({ identities: [{ kind: "email", value: "phone@example.com" }] })),
    );
    const { replyToken } = await db.conversation.findUniqueOrThrow({ where: { id: opened.conversationId } });
    const reply = await stored(
      await receiveMessage(
        db,
        SHOP,
        mail({
          identities: [{ kind: "email", value: "other-address@example.com" }],
          subject: "new subject",
          replyToken,
        }),
      ),
    );
    expect(reply.conversationId).toBe(opened.conversationId);
  });

  it("never threads by subject: a different sender with the same subject opens their own", async () => {
    const a = await stored(
      await receiveMessage(db, SHOP, mail({ identities: [{ kind: "email", value: "s1@example.com" }] })),
    );
    const b = await stored(
      await receiveMessage(db, SHOP, mail({ identities: [{ kind: "email", value: "s2@example.com" }] })),
    );
    expect(b.conversationId).not.toBe(a.conversationId);
  });

  it("a reply to a delay notice lands in the conversation of the notice's order (opened for it)", async () => {
    await db.order.create({
      data: {
        shop: SHOP,
        id: "5001",
        name: "#1042",
        currency: "JPY",
        totalPrice: "4800",
        email: "delay@example.com",
        shopifyCreatedAt: new Date(),
        shopifyUpdatedAt: new Date(),
      },
    });
    const notice = await db.notice.create({
      data: {
        shop: SHOP,
        kind: "delay",
        dedupeKey: "delay:5001",
        orderId: "5001",
        channel: "email",
        locale: "en",
        recipient: "delay@example.com",
        status: "sent",
        sentAt: new Date(),
        providerMessageId: `<notice-1.${SHOP}@kizuna.example.com>`,
      },
    });
    const reply = await stored(
      await receiveMessage(
        db,
        SHOP,
        mail({
          identities: [{ kind: "email", value: "delay@example.com" }],
          subject: "Re: Your order #1042 is running late",
          inReplyTo: notice.providerMessageId,
          references: [notice.providerMessageId!],
        }),
      ),
    );
    expect(reply.opened).toBe(true);
    const conversation = await db.conversation.findUniqueOrThrow({ where: { id: reply.conversationId } });
    expect(conversation.orderId).toBe("5001");
    // A second reply to the same notice joins it.
    const second = await stored(
      await receiveMessage(
        db,
        SHOP,
        mail({ identities: [{ kind: "email", value: "delay@example.com" }], inReplyTo: notice.providerMessageId }),
      ),
    );
    expect(second.conversationId).toBe(reply.conversationId);
    // The conversation is found by the order number.
    const list = await listConversations(db, SHOP, { q: "1042" });
    expect(list.items.map((item) => item.id)).toContain(reply.conversationId);
  });

  it("an auto-reply and a bounce open nothing; threaded, they never change status or waiting", async () => {
    const auto = await receiveMessage(
      db,
      SHOP,
      mail({ identities: [{ kind: "email", value: "away@example.com" }], kind: "auto_reply" }),
    );
    expect(auto).toMatchObject({ dropped: true, conversationId: null });
    const bounce = await receiveMessage(
      db,
      SHOP,
      mail({ identities: [{ kind: "email", value: "mailer-daemon@example.com" }], kind: "bounce" }),
    );
    expect(bounce.dropped).toBe(true);
    expect(
      await db.contactIdentity.count({
        where: { shop: SHOP, value: { in: ["away@example.com", "mailer-daemon@example.com"] } },
      }),
    ).toBe(0);

    const opened = await stored(
      await receiveMessage(db, SHOP, mail({ identities: [{ kind: "email", value: "ooo@example.com" }] })),
    );
    await replyToConversation(db, deps, SHOP, opened.conversationId, { text: "Answer", author: "Aiko" });
    const outgoing = await db.message.findFirstOrThrow({
      where: { conversationId: opened.conversationId, direction: "outgoing" },
    });
    const ooo = await stored(
      await receiveMessage(
        db,
        SHOP,
        mail({
          identities: [{ kind: "email", value: "ooo@example.com" }],
          kind: "auto_reply",
          inReplyTo: outgoing.providerMessageId,
        }),
      ),
    );
    expect(ooo.conversationId).toBe(opened.conversationId);
    const conversation = await db.conversation.findUniqueOrThrow({ where: { id: opened.conversationId } });
    expect(conversation).toMatchObject({ status: "waiting", waitingSince: null, exchanges: 1 });
  });

  it("an SMS, an order-page message and an Etsy message from one person end under one contact", async () => {
    await db.customer.create({
      data: {
        shop: SHOP,
        id: "7001",
        email: "hanako@example.jp",
        phone: "+819012345678",
        firstName: "Hanako",
        lastName: "Yamada",
      },
    });
    await db.order.createMany({
      data: [
        {
          shop: SHOP,
          id: "7101",
          name: "#1101",
          customerId: "7001",
          email: "hanako@example.jp",
          currency: "JPY",
          totalPrice: "3000",
          shopifyCreatedAt: new Date(),
          shopifyUpdatedAt: new Date(),
        },
        {
          shop: SHOP,
          id: "etsy:3301",
          name: "Etsy #3301",
          source: "etsy",
          email: "hanako@example.jp",
          currency: "JPY",
          totalPrice: "2500",
          shopifyCreatedAt: new Date(),
          shopifyUpdatedAt: new Date(),
        },
      ],
    });
    const sms = await stored(
      await receiveSms(db, SHOP, { from: "+819012345678", body: "荷物はいつ届きますか？", sid: "SM1" }),
    );
    const page = await stored(
      await receiveOrderPageMessage(db, SHOP, { orderId: "7101", text: "サイズを変えたいです" }),
    );
    const { receiveEtsyNotification } = await import("../../app/inbox/channels/etsy.server.ts");
    const etsy = await receiveEtsyNotification(
      db,
      SHOP,
      {
        kind: "conversation",
        buyerName: "Hanako",
        conversationUrl: "https://www.etsy.com/conversations/998877",
        receiptId: "3301",
        text: null,
        helpWith: null,
        idealResolution: null,
        language: "ja",
      },
      { providerMessageId: "<etsy-1@mail.etsy.com>", receivedAt: new Date() },
    );
    const contacts = await db.conversation.findMany({
      where: { id: { in: [sms.conversationId, page.conversationId, etsy.conversationId] } },
      select: { contactId: true, channel: true, orderId: true },
    });
    expect(new Set(contacts.map((row) => row.contactId)).size).toBe(1);
    expect(contacts.find((row) => row.channel === "etsy")?.orderId).toBe("etsy:3301");
    const detail = await readConversation(db, SHOP, etsy.conversationId);
    expect(detail?.conversation.etsyUrl).toBe("https://www.etsy.com/conversations/998877");
    expect(detail?.messages[0]?.text).toMatch(/リンク/);
    // The timeline shows both orders' stories and every channel's messages.
    const timeline = await customerTimeline(db, SHOP, sms.contactId);
    expect(timeline?.orderIds.sort()).toEqual(["7101", "etsy:3301"]);
    expect(
      new Set(
        timeline?.items
          .filter((item) => item.kind === "message")
          .map((item) => (item.kind === "message" ? item.channel : "")),
      ),
    ).toEqual(new Set(["sms", "order_page", "etsy"]));
    // A prepared Etsy reply waits to be sent on Etsy; marking it sent counts as the answer.
    const prepared = await prepareEtsyMessage(db, SHOP, {
      orderId: "etsy:3301",
      identities: [{ kind: "email", value: "hanako@example.jp" }],
      text: "発送が遅れております。",
      key: "delay:etsy:3301",
    });
    expect(prepared.conversationId).toBe(etsy.conversationId);
    expect(
      (await prepareEtsyMessage(db, SHOP, { orderId: "etsy:3301", identities: [], text: "x", key: "delay:etsy:3301" }))
        .duplicate,
    ).toBe(true);
    await markEtsyMessageSent(db, SHOP, prepared.messageId, "Aiko");
    const after = await db.conversation.findUniqueOrThrow({ where: { id: etsy.conversationId } });
    expect(after).toMatchObject({ status: "waiting", exchanges: 1 });
  });

  it("the order page shows the customer's messages and the shop's sent replies, never notes", async () => {
    await db.order.create({
      data: {
        shop: SHOP,
        id: "7201",
        name: "#1201",
        email: "page@example.com",
        currency: "JPY",
        totalPrice: "1000",
        shopifyCreatedAt: new Date(),
        shopifyUpdatedAt: new Date(),
      },
    });
    const asked = await stored(
      await receiveOrderPageMessage(db, SHOP, { orderId: "7201", text: "  Can I add a card?  " }),
    );
    expect(asked.opened).toBe(true);
    await addNote(db, SHOP, asked.conversationId, { text: "internal: check stock", author: "Aiko" });
    const answered = await replyToConversation(db, deps, SHOP, asked.conversationId, {
      text: "Yes, we will add one.",
      author: "Aiko",
    });
    expect(answered.status).toBe("sent");
    const thread = await orderPageThread(db, SHOP, "7201");
    expect(thread.map((message) => [message.from, message.text])).toEqual([
      ["customer", "Can I add a card?"],
      ["shop", "Yes, we will add one."],
    ]);
    expect(await orderPageThread(db, OTHER, "7201")).toEqual([]);
    await expect(receiveOrderPageMessage(db, OTHER, { orderId: "7201", text: "hi" })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(receiveOrderPageMessage(db, SHOP, { orderId: "7201", text: "   " })).rejects.toMatchObject({
      code: "invalid",
    });
  });

  it("staff merge two contacts: identities and conversations move, the loser points at the winner", async () => {
    const a = await stored(
      await receiveMessage(db, SHOP, mail({ identities: [{ kind: "email", value: "m1@example.com" }] })),
    );
    const b = await stored(await receiveSms(db, SHOP, { from: "+15550001111", body: "hi", sid: "SM-merge" }));
    await mergeContacts(db, SHOP, a.contactId, b.contactId);
    expect((await db.contact.findUniqueOrThrow({ where: { id: b.contactId } })).mergedInto).toBe(a.contactId);
    expect((await db.conversation.findUniqueOrThrow({ where: { id: b.conversationId } })).contactId).toBe(a.contactId);
    const next = await stored(await receiveSms(db, SHOP, { from: "+15550001111", body: "again", sid: "SM-merge-2" }));
    expect(next.contactId).toBe(a.contactId);
    await expect(mergeContacts(db, OTHER, a.contactId, b.contactId)).rejects.toMatchObject({ code: "not_found" });
  });

  it("the 6th exchange raises the flag", async () => {
    const opened = await stored(await receiveSms(db, SHOP, { from: "+15550002222", body: "1", sid: "SM-x0" }));
    for (let turn = 1; turn <= 6; turn++) {
      if (turn > 1) await receiveSms(db, SHOP, { from: "+15550002222", body: String(turn), sid: `SM-x${turn}` });
      await replyToConversation(db, smsDeps, SHOP, opened.conversationId, { text: `answer ${turn}`, author: "Aiko" });
      const conversation = await db.conversation.findUniqueOrThrow({ where: { id: opened.conversationId } });
      expect(conversation.exchanges).toBe(turn);
      expect(conversation.flaggedAt === null).toBe(turn <= 5);
    }
  });

  it("a failed send is recorded with its reason and can be sent again", async () => {
    const opened = await stored(await receiveSms(db, SHOP, { from: "+15550003333", body: "hello", sid: "SM-f" }));
    const failing = await replyToConversation(db, deps, SHOP, opened.conversationId, { text: "hi", author: "Aiko" });
    expect(failing).toMatchObject({ status: "failed", reason: "SMS is not configured." });
    expect(
      (await db.conversation.findUniqueOrThrow({ where: { id: opened.conversationId } })).waitingSince,
    ).not.toBeNull();
    expect(await retryMessage(db, smsDeps, SHOP, failing.messageId)).toMatchObject({ status: "sent" });
    const texted = await smsStore.waitFor((sms) => sms.to === "+15550003333");
    expect(texted.body).toBe("hi");
    expect(await db.message.findUniqueOrThrow({ where: { id: failing.messageId } })).toMatchObject({
      status: "sent",
      providerMessageId: texted.sid,
    });
    // A send cut off mid-way (the process died) can be tried again once it is clearly stale, not before.
    const stuck = await db.message.create({
      data: {
        shop: SHOP,
        conversationId: opened.conversationId,
        direction: "outgoing",
        channel: "sms",
        toAddress: "+15550003333",
        text: "stuck",
        status: "sending",
        statusReason: `since ${new Date().toISOString()}`,
      },
    });
    await expect(retryMessage(db, smsDeps, SHOP, stuck.id)).rejects.toMatchObject({ code: "conflict" });
    await db.message.update({
      where: { id: stuck.id },
      data: { statusReason: `since ${new Date(Date.now() - 10 * 60_000).toISOString()}` },
    });
    expect(await retryMessage(db, smsDeps, SHOP, stuck.id)).toMatchObject({ status: "sent" });
    expect((await smsStore.waitFor((sms) => sms.body === "stuck")).to).toBe("+15550003333");
    // Sent is sent: a second retry is refused.
    await expect(retryMessage(db, smsDeps, SHOP, failing.messageId)).rejects.toMatchObject({ code: "conflict" });
  });

  it("another shop's conversation is not found by any reader or action", async () => {
    const theirs = await stored(
      await receiveMessage(db, OTHER, mail({ identities: [{ kind: "email", value: "x@example.com" }] })),
    );
    expect(await readConversation(db, SHOP, theirs.conversationId)).toBeNull();
    expect(await customerTimeline(db, SHOP, theirs.contactId)).toBeNull();
    for (const attempt of [
      () => replyToConversation(db, deps, SHOP, theirs.conversationId, { text: "x", author: "a" }),
      () => addNote(db, SHOP, theirs.conversationId, { text: "x", author: "a" }),
      () => resolveConversation(db, SHOP, theirs.conversationId, "a"),
      () => assignConversation(db, SHOP, theirs.conversationId, "a", "a"),
      () => tagConversation(db, SHOP, theirs.conversationId, ["t"]),
      () => snoozeConversation(db, SHOP, theirs.conversationId, new Date(Date.now() + 86_400_000), "a"),
    ]) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InboxError);
      expect((error as InboxError).status).toBe(404);
    }
    expect(await db.message.count({ where: { conversationId: theirs.conversationId } })).toBe(1);
  });

  it("stored HTML from a non-mail channel is sanitized; script in text stays text", async () => {
    const result = await stored(
      await receiveMessage(
        db,
        SHOP,
        mail({
          channel: "order_page",
          providerMessageId: null,
          identities: [{ kind: "email", value: "xss@example.com" }],
          text: "<script>alert(1)</script>",
          html: '<p onclick="x()">hi<script>alert(1)</script><img src=x onerror=alert(1)></p>',
        }),
      ),
    );
    const message = await db.message.findUniqueOrThrow({ where: { id: result.messageId } });
    expect(message.text).toBe("<script>alert(1)</script>");
    expect(message.html).not.toMatch(/script|onclick|onerror/i);
  });

  it("lists waiting longest first, with filters, tags and pages", async () => {
    const base = Date.now() - 10 * 86_400_000;
    const made: number[] = [];
    for (let index = 0; index < 5; index++) {
      const result = await stored(
        await receiveMessage(
          db,
          OTHER,
          mail({
            identities: [{ kind: "email", value: `list${index}@example.com` }],
            receivedAt: new Date(base + (5 - index) * 60_000),
          }),
        ),
      );
      made.push(result.conversationId);
    }
    await tagConversation(db, OTHER, made[0]!, ["VIP", "vip", " late "]);
    await resolveConversation(db, OTHER, made[1]!, "Aiko");
    const first = await listConversations(db, OTHER, { limit: 2 });
    const waiting = first.items.map((item) => item.id);
    // Oldest waiting first: made[4] came first.
    expect(waiting[0]).toBe(made[4]);
    const all: number[] = [...waiting];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await listConversations(db, OTHER, { limit: 2, cursor });
      all.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    }
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining(made));
    expect((await listConversations(db, OTHER, { tag: "vip" })).items.map((item) => item.id)).toEqual([made[0]]);
    expect((await listConversations(db, OTHER, { status: "resolved" })).items.map((item) => item.id)).toEqual([
      made[1],
    ]);
    expect(first.counts.resolved).toBe(1);
  });
});
