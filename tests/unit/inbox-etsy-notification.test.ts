// Etsy's message notifications (no messaging API exists): English and
// Japanese, with the buyer's words or only a link, help requests, sales, and
// the same mails forwarded by the seller from Gmail, Apple Mail and Outlook.
// Fixtures: tests/fixtures/etsy (ours, shaped like Etsy's).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readEtsyNotification } from "../../app/inbox/mail/etsy-notification.ts";
import { readMail } from "../../app/inbox/mail/read-mail.server.ts";

const etsy = async (name: string) =>
  readEtsyNotification(await readMail(readFileSync(join(import.meta.dirname, "..", "fixtures", "etsy", name))));

const MUG = "Hello! The mug arrived with a chip on the handle.\nCould you send a replacement?";

describe("readEtsyNotification", () => {
  it("English conversation with the buyer's words, the order and the conversation link", async () => {
    expect(await etsy("convo-en-with-text.eml")).toEqual({
      kind: "conversation",
      buyerName: "Olivia Grant",
      conversationUrl: "https://www.etsy.com/conversations/1234567890",
      receiptId: "3456789012",
      text: MUG,
      helpWith: null,
      idealResolution: null,
      language: "en",
    });
  });

  it("a plain notification carries no words: text is null, the buyer is still named", async () => {
    expect(await etsy("convo-en-plain.eml")).toMatchObject({
      kind: "conversation",
      buyerName: "leafandloom",
      text: null,
      language: "en",
    });
    expect(await etsy("message-ja-plain.eml")).toMatchObject({
      kind: "conversation",
      buyerName: "yamamoto_craft",
      text: null,
      language: "ja",
    });
  });

  it("help request: what they need help with, their ideal resolution, the note as text", async () => {
    expect(await etsy("help-request-en.eml")).toEqual({
      kind: "help_request",
      buyerName: "Ben Carter",
      conversationUrl: "https://www.etsy.com/conversations/2345678901",
      receiptId: "3456789099",
      text: "Hi,\nthe tracking has not moved for two weeks. Order #3456789099.\nBen",
      helpWith: "My order hasn't arrived",
      idealResolution: "Send a replacement",
      language: "en",
    });
  });

  it("Japanese conversation and help request", async () => {
    expect(await etsy("convo-ja-with-text.eml")).toEqual({
      kind: "conversation",
      buyerName: "田中 さくら",
      conversationUrl: "https://www.etsy.com/conversations/3456789012",
      receiptId: "3456789123",
      text: "ギフト用にラッピングをお願いできますか？\n注文番号は3456789123です。",
      helpWith: null,
      idealResolution: null,
      language: "ja",
    });
    expect(await etsy("help-request-ja.eml")).toMatchObject({
      kind: "help_request",
      buyerName: "伊藤 健",
      conversationUrl: "https://www.etsy.com/conversations/4567890123",
      text: "到着予定日を1週間過ぎています。\n確認をお願いします。",
      helpWith: "注文した商品が届かない",
      idealResolution: "返金",
      language: "ja",
    });
  });

  it("forwarded by the seller from Gmail: the same reading as the direct mail", async () => {
    expect(await etsy("forwarded-gmail.eml")).toEqual(await etsy("convo-en-with-text.eml"));
  });

  it("a forward whose text lost the link (read from HTML) finds it in the mail's HTML", async () => {
    const mail = await readMail(
      readFileSync(join(import.meta.dirname, "..", "fixtures", "etsy", "forwarded-gmail.eml")),
    );
    const forwarded = mail.forwarded;
    expect(forwarded).not.toBeNull();
    const text = (forwarded?.text ?? "").replace(/https:\S+/g, "");
    expect(readEtsyNotification({ ...mail, forwarded: forwarded && { ...forwarded, text } })?.conversationUrl).toBe(
      "https://www.etsy.com/conversations/1234567890",
    );
  });

  it("forwarded from Apple Mail in Japanese and from Outlook", async () => {
    expect(await etsy("forwarded-apple-ja.eml")).toMatchObject({
      kind: "conversation",
      buyerName: "田中 さくら",
      text: "ギフト用にラッピングをお願いできますか？",
      conversationUrl: "https://www.etsy.com/conversations/3456789012",
      language: "ja",
    });
    expect(await etsy("forwarded-outlook.eml")).toMatchObject({
      kind: "help_request",
      buyerName: "Ben Carter",
      helpWith: "My order hasn't arrived",
      idealResolution: "Send a replacement",
      text: "the tracking has not moved for two weeks.",
      conversationUrl: "https://www.etsy.com/conversations/2345678901",
    });
  });

  it("Etsy's sign-off with the buyer's name is not part of the note; a help request with an empty note has text null", async () => {
    const mail = await readMail(
      readFileSync(join(import.meta.dirname, "..", "fixtures", "etsy", "help-request-en.eml")),
    );
    const signed = mail.text.replace("Ben </p>", "Ben Carter </p>");
    expect(readEtsyNotification({ ...mail, text: signed })?.text).toBe(
      "Hi,\nthe tracking has not moved for two weeks. Order #3456789099.",
    );
    const empty = signed.replace(
      /Note for seller:[\s\S]*?Ben Carter <\/p>/,
      "Note for seller: <br />\nBen Carter </p>",
    );
    expect(readEtsyNotification({ ...mail, text: empty })).toMatchObject({
      kind: "help_request",
      text: null,
      helpWith: "My order hasn't arrived",
    });
  });

  it("a sale notification names the receipt and the buyer, with no words", async () => {
    expect(await etsy("sale-en.eml")).toMatchObject({
      kind: "sale",
      receiptId: "4000000001",
      buyerName: "olivia_g",
      text: null,
    });
  });

  it("mail that is not from Etsy is not a notification, even with an Etsy-like subject", async () => {
    const mail = await readMail(readFileSync(join(import.meta.dirname, "..", "fixtures", "mail", "gmail-reply.eml")));
    expect(readEtsyNotification(mail)).toBeNull();
    expect(
      readEtsyNotification({ ...mail, subject: "Etsy Conversation with Mallory", text: "click http://evil.example" }),
    ).toBeNull();
  });
});
