// The sandbox's Etsy notification-mail sender, over real SMTP into the mail
// sink: each shape (English and Japanese, with and without the buyer's words,
// a help request) reads back through the inbox's own mail reader and Etsy
// notification parser as the notification it stands for. The demo and the
// browser tests feed the inbox with these.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEtsyNotification } from "../../app/inbox/mail/etsy-notification.ts";
import { readMail } from "../../app/inbox/mail/read-mail.server.ts";
import { composeHandlers } from "../../sandbox/server.ts";
import {
  createEtsyStandIn,
  sendEtsyNotificationMail,
  type EtsyNotificationMailInput,
} from "../../sandbox/etsy/index.ts";
import { freePort } from "../../sandbox/http.ts";
import { startMailSink, type MailSink } from "../../sandbox/mail/mail-sink.ts";

let sink: MailSink;
beforeAll(async () => {
  sink = await startMailSink();
});
afterAll(async () => {
  await sink.close();
});

async function sentAndRead(input: EtsyNotificationMailInput) {
  const sent = await sendEtsyNotificationMail(sink.url, input);
  const message = await sink.waitFor((m) => m.messageId === sent.messageId, 10_000);
  return readEtsyNotification(await readMail(Buffer.from(message.raw, "utf8")));
}

const base = { to: "inbox+abc@kizuna.test", conversationId: "1000000123" };

describe("Etsy notification mails from the sandbox", () => {
  it("an English conversation with the buyer's words, about a receipt", async () => {
    const read = await sentAndRead({
      ...base,
      kind: "conversation",
      language: "en",
      buyerName: "Olivia Park",
      text: "Hi! Could the mug ship before Friday?",
      receiptId: "3100000001",
    });
    expect(read).toMatchObject({
      kind: "conversation",
      language: "en",
      buyerName: "Olivia Park",
      text: "Hi! Could the mug ship before Friday?",
      receiptId: "3100000001",
      conversationUrl: expect.stringContaining("etsy.com/conversations/1000000123"),
    });
  });

  it("a plain English notification carries no text, only the link", async () => {
    const read = await sentAndRead({
      ...base,
      kind: "conversation",
      language: "en",
      buyerName: "Sign in with Apple user",
      text: null,
    });
    expect(read).toMatchObject({ kind: "conversation", buyerName: "Sign in with Apple user", text: null });
    expect(read?.conversationUrl).toContain("/conversations/1000000123");
  });

  it("a Japanese conversation with the buyer's words", async () => {
    const read = await sentAndRead({
      ...base,
      kind: "conversation",
      language: "ja",
      buyerName: "佐藤 花子",
      text: "ラッピングをお願いできますか？",
    });
    expect(read).toMatchObject({
      kind: "conversation",
      language: "ja",
      buyerName: "佐藤 花子",
      text: "ラッピングをお願いできますか？",
    });
  });

  it("help requests, in English and Japanese, with what the buyer needs", async () => {
    const en = await sentAndRead({
      ...base,
      kind: "help_request",
      language: "en",
      buyerName: "Sam Reed",
      text: "It has been three weeks.",
      helpWith: "My order hasn't arrived",
      idealResolution: "replace",
      receiptId: "4100000002",
    });
    expect(en).toMatchObject({
      kind: "help_request",
      buyerName: "Sam Reed",
      helpWith: "My order hasn't arrived",
      idealResolution: "replace",
      receiptId: "4100000002",
    });
    expect(en?.text).toContain("It has been three weeks.");
    const ja = await sentAndRead({
      ...base,
      kind: "help_request",
      language: "ja",
      buyerName: "加藤 葵",
      text: "まだ届いていません。",
      helpWith: "注文した商品が届きません",
      idealResolution: "返金",
    });
    expect(ja).toMatchObject({
      kind: "help_request",
      language: "ja",
      buyerName: "加藤 葵",
      helpWith: "注文した商品が届きません",
      idealResolution: "返金",
    });
  });

  it("the stand-in's route sends one to a given address over SMTP", async () => {
    const etsy = createEtsyStandIn({ notificationSmtpUrl: sink.url });
    const server = composeHandlers([etsy.handler]);
    const port = await freePort();
    await new Promise<void>((done) => server.listen(port, "127.0.0.1", () => done()));
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/etsy/notification-mail`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          to: "inbox+route@kizuna.test",
          kind: "conversation",
          language: "en",
          buyerName: "Route Buyer",
          text: "Hello",
        }),
      });
      expect(answer.status).toBe(200);
      const { messageId } = (await answer.json()) as { messageId: string };
      const message = await sink.waitFor((m) => m.messageId === messageId, 10_000);
      expect(message.envelope.to).toEqual(["inbox+route@kizuna.test"]);
      const missing = await fetch(`http://127.0.0.1:${port}/etsy/notification-mail`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ kind: "conversation" }),
      });
      expect(missing.status).toBe(400);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    }
  });
});
