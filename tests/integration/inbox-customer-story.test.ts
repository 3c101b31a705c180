// The customer's story on both databases: the timeline composes messages,
// notices sent, return steps and money actions newest first; attachments are
// kept by type and size (a refused one keeps a row saying so);
// customers/redact empties the customer's contact and messages but keeps the
// counts and times. And the environment refuses a production inbox without a
// long secret.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../app/db.server.ts";
import { parseEnv } from "../../app/env.server.ts";
import { receiveSms } from "../../app/inbox/channels/sms.server.ts";
import { readConversation } from "../../app/inbox/conversations.server.ts";
import { MAX_ATTACHMENT_BYTES, receiveMessage } from "../../app/inbox/receive-message.server.ts";
import { customerTimeline } from "../../app/inbox/timeline.server.ts";
import { projectEvent } from "../../app/mirror/project-event.server.ts";
import { PROVIDERS, createTestDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "kizuna-inbox-story.myshopify.com";

describe.each(PROVIDERS)("the customer's story on %s", (provider) => {
  let database: TestDatabase;
  let db: Db;
  let contactId: number;
  let conversationId: number;
  let messageId: number;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
    await db.shop.create({ data: { domain: SHOP, name: "Story Store" } });
    const day = (n: number) => new Date(Date.UTC(2026, 10, n, 9));
    await db.customer.create({
      data: { shop: SHOP, id: "6001", email: "ken@example.com", phone: "+819011110000", firstName: "Ken" },
    });
    await db.order.create({
      data: {
        shop: SHOP,
        id: "6101",
        name: "#1061",
        customerId: "6001",
        email: "ken@example.com",
        currency: "JPY",
        totalPrice: "5400",
        shopifyCreatedAt: day(1),
        shopifyUpdatedAt: day(1),
      },
    });
    await db.notice.create({
      data: {
        shop: SHOP,
        kind: "delay",
        dedupeKey: "delay:6101",
        customerId: "6001",
        orderId: "6101",
        channel: "email",
        locale: "ja",
        recipient: "ken@example.com",
        status: "sent",
        subject: "ご注文 #1061 の発送が遅れています",
        sentAt: day(3),
      },
    });
    // Queued, never sent: not something the customer was told.
    await db.notice.create({
      data: {
        shop: SHOP,
        kind: "delay",
        dedupeKey: "delay:6101:again",
        customerId: "6001",
        orderId: "6101",
        channel: "email",
        locale: "ja",
        recipient: "ken@example.com",
        status: "queued",
      },
    });
    await db.returnEvent.create({
      data: { shop: SHOP, returnId: "r1", orderId: "6101", action: "requested", actor: "customer", at: day(4) },
    });
    await db.moneyAction.create({
      data: {
        shop: SHOP,
        orderId: "6101",
        returnId: "r1",
        kind: "refund",
        subjectKey: "return:r1:refund",
        idempotencyKey: "story-refund-1",
        state: "succeeded",
        method: "original",
        amount: "5400",
        currency: "JPY",
        request: "{}",
        createdAt: day(5),
        finishedAt: day(5),
      },
    });
    const result = await receiveMessage(db, SHOP, {
      channel: "email",
      providerMessageId: "<story-1@example.com>",
      identities: [{ kind: "email", value: "ken@example.com" }],
      contactName: "Ken Sato",
      subject: "返品について",
      text: "返金はいつになりますか？",
      fullText: "返金はいつになりますか？\n\n> quoted",
      html: "<p>返金はいつになりますか？</p>",
      kind: "message",
      fromAddress: "ken@example.com",
      receivedAt: day(6),
      original: Buffer.from("From: ken@example.com\r\n\r\n返金はいつになりますか？"),
      attachments: [
        { filename: "receipt.png", contentType: "image/png", size: 4, content: Buffer.from([1, 2, 3, 4]) },
        {
          filename: "setup.exe",
          contentType: "application/x-msdownload",
          size: 3,
          content: Buffer.from("MZ!"),
        },
        {
          filename: "huge.pdf",
          contentType: "application/pdf",
          size: MAX_ATTACHMENT_BYTES + 1,
          content: Buffer.alloc(MAX_ATTACHMENT_BYTES + 1),
        },
      ],
    });
    if (result.dropped) throw new Error("dropped");
    ({ contactId, conversationId, messageId } = result);
    await receiveSms(db, SHOP, {
      from: "+819011110000",
      body: "SMSでも失礼します",
      sid: "SMstory1",
      receivedAt: day(7),
    });
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("keeps allowed attachments and a row for each refused one", async () => {
    const rows = await db.messageAttachment.findMany({ where: { messageId }, orderBy: { id: "asc" } });
    expect(rows.map((row) => [row.filename, row.refused, row.data === null])).toEqual([
      ["receipt.png", null, false],
      ["setup.exe", "type", true],
      ["huge.pdf", "size", true],
    ]);
    const detail = await readConversation(db, SHOP, conversationId);
    expect(detail?.messages[0]?.attachments.map((attachment) => attachment.refused)).toEqual([null, "type", "size"]);
    expect(detail?.messages[0]?.hasOriginal).toBe(true);
  });

  it("the timeline shows messages of every channel, the notice sent, the return step and the refund, newest first", async () => {
    const timeline = await customerTimeline(db, SHOP, contactId);
    expect(timeline?.orderIds).toEqual(["6101"]);
    const kinds = timeline!.items.map((item) => (item.kind === "message" ? `message:${item.channel}` : item.kind));
    expect(kinds).toEqual(["message:sms", "message:email", "money_action", "return_event", "notice"]);
    const refund = timeline!.items.find((item) => item.kind === "money_action");
    expect(refund).toMatchObject({ amount: "5400", currency: "JPY", state: "succeeded" });
  });

  it("customers/redact empties the contact's names, identities and messages, keeping counts and times", async () => {
    const before = await db.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    await projectEvent(db, {
      shop: SHOP,
      topic: "customers/redact",
      payload: {
        shop_id: 1,
        shop_domain: SHOP,
        customer: { id: 6001, email: "ken@example.com", phone: "+819011110000" },
        orders_to_redact: [6101],
      },
      triggeredAt: new Date(),
    });
    const contact = await db.contact.findUniqueOrThrow({ where: { id: contactId } });
    expect(contact.name).toBeNull();
    expect(contact.redactedAt).not.toBeNull();
    expect(await db.contactIdentity.count({ where: { shop: SHOP, contactId } })).toBe(0);
    const messages = await db.message.findMany({ where: { shop: SHOP } });
    expect(messages).toHaveLength(2);
    for (const message of messages) {
      expect(message).toMatchObject({ text: "", fullText: null, html: null, fromAddress: null, subject: null });
    }
    expect(await db.messageOriginal.count({ where: { shop: SHOP } })).toBe(0);
    const attachments = await db.messageAttachment.findMany({ where: { shop: SHOP } });
    expect(attachments).toHaveLength(3);
    expect(attachments.every((row) => row.data === null && row.filename === null)).toBe(true);
    const after = await db.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(after).toMatchObject({ subject: null, searchText: null, unread: before.unread });
    expect(after.firstMessageAt).toEqual(before.firstMessageAt);
    // Nothing readable is left anywhere in the inbox tables.
    const everything = JSON.stringify([
      await db.contact.findMany({ where: { shop: SHOP } }),
      await db.conversation.findMany({ where: { shop: SHOP } }),
      messages,
    ]);
    expect(everything).not.toMatch(/ken@example|Ken|819011110000|返金|SMSでも/);
  });
});

describe("inbound configuration", () => {
  const base = {
    SHOPIFY_API_KEY: "k",
    SHOPIFY_API_SECRET: "s",
    SHOPIFY_APP_URL: "https://kizuna.example.com",
    SMTP_URL: "smtp://mail.example.com:587",
    NODE_ENV: "production",
  };

  it("refuses to start in production with inbound on and a missing or short secret", () => {
    expect(() => parseEnv({ ...base, INBOUND_DOMAIN: "in.kizuna.example.com" })).toThrow(/INBOUND_EMAIL_SECRET/);
    expect(() => parseEnv({ ...base, INBOUND_SMTP_PORT: "2526", INBOUND_EMAIL_SECRET: "short" })).toThrow(
      /INBOUND_EMAIL_SECRET must be at least 32/,
    );
    expect(
      parseEnv({ ...base, INBOUND_DOMAIN: "in.kizuna.example.com", INBOUND_EMAIL_SECRET: "x".repeat(32) })
        .INBOUND_DOMAIN,
    ).toBe("in.kizuna.example.com");
    // Inbound off: nothing required.
    expect(parseEnv(base).INBOUND_EMAIL_SECRET).toBeUndefined();
    expect(() => parseEnv({ ...base, INBOUND_DOMAIN: "not a domain", INBOUND_EMAIL_SECRET: "x".repeat(32) })).toThrow(
      /INBOUND_DOMAIN/,
    );
  });
});
