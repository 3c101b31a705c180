// Inbound mail read from its bytes: threading ids, recipients, Japanese in
// every charset mail uses, HTML-only mail shown as text, customer HTML made
// safe, attachments, and forwarded mail. Fixtures: tests/fixtures/mail (ours).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { messageIds, readMail } from "../../app/inbox/mail/read-mail.server.ts";
import { htmlToText } from "../../app/inbox/mail/html-text.ts";
import { sanitizeMailHtml } from "../../app/inbox/mail/mail-html.server.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "..", "fixtures", "mail", name));
const read = (name: string) => readMail(fixture(name));

describe("readMail: threading and addresses", () => {
  it("Gmail reply: bare ids, every reference, recipients from To, Cc, Delivered-To and X-Original-To lower-cased", async () => {
    const mail = await read("gmail-reply.eml");
    expect(mail.messageId).toBe("CAGmail-reply-0001@mail.gmail.com");
    expect(mail.inReplyTo).toBe("msg-2@kizuna.test");
    expect(mail.references).toEqual(["notice-41.delay@kizuna.test", "msg-2@kizuna.test"]);
    expect(mail.from).toEqual({ address: "hanna.berg@example.com", name: "Hanna Berg" });
    expect(mail.recipients.sort()).toEqual(
      ["hanna.other@example.net", "reply+c12t9k@in.kizuna.test", "shop-7f3a@in.kizuna.test"].sort(),
    );
    expect(mail.subject).toBe("Re: Your order #1042 is running late");
    expect(mail.date?.toISOString()).toBe("2026-12-01T01:12:04.000Z");
    expect(mail.kind).toBe("message");
  });

  it("Outlook reply keeps its ids though the subject changed; iPhone reply has no References", async () => {
    const outlook = await read("outlook-reply.eml");
    expect(outlook.inReplyTo).toBe("msg-7@kizuna.test");
    expect(outlook.references).toEqual(["msg-7@kizuna.test"]);
    expect(outlook.from?.name).toBe("Okafor, Chidi");
    const iphone = await read("iphone-reply.eml");
    expect(iphone.inReplyTo).toBeNull();
    expect(iphone.references).toEqual([]);
    expect(iphone.recipients).toEqual(["reply+p0q9r8@in.kizuna.test"]);
  });

  it("message ids: brackets off, the first of several In-Reply-To ids, each once", () => {
    expect(messageIds("<a@b> <c@d>")).toEqual(["a@b", "c@d"]);
    expect(messageIds(["<a@b>", "<a@b>", "<e@f>"])).toEqual(["a@b", "e@f"]);
    expect(messageIds("bare@id")).toEqual(["bare@id"]);
    expect(messageIds(undefined)).toEqual([]);
  });
});

describe("readMail: Japanese", () => {
  it("ISO-2022-JP (7-bit, CRLF): subject, sender name and body", async () => {
    const mail = await read("japanese-iso-2022-jp.eml");
    expect(mail.subject).toBe("Re: ご注文の発送について");
    expect(mail.from?.name).toBe("山田 花子");
    expect(mail.text).toContain("ご連絡ありがとうございます。\n到着を楽しみにしております。");
    expect(mail.text).not.toContain("\r");
    expect(mail.displayText).toBe("ご連絡ありがとうございます。\n到着を楽しみにしております。\n\n山田");
  });

  it("Shift_JIS (8-bit) with Windows characters (①, ～); the carrier's signature trimmed", async () => {
    const mail = await read("japanese-shift-jis.eml");
    expect(mail.subject).toBe("商品が届きません");
    expect(mail.from?.name).toBe("鈴木 一郎");
    expect(mail.text).toContain("注文番号①の商品がまだ届きません～。");
    expect(mail.displayText).toBe("注文番号①の商品がまだ届きません～。\n確認をお願いできますか？");
  });

  it("Shift_JIS that names no charset (read as UTF-8 by mailparser) is decoded by its bytes", async () => {
    const mail = await read("japanese-no-charset.eml");
    expect(mail.subject).toBe("発送について");
    expect(mail.text).toBe("いつ発送されますか？");
  });

  it("EUC-JP, quoted-printable", async () => {
    const mail = await read("japanese-euc-jp.eml");
    expect(mail.subject).toBe("交換希望");
    expect(mail.text).toBe("サイズ交換をお願いします。");
  });

  it("UTF-8 base64 with a Q-encoded subject; RFC 2231 and RFC 2047 file names; attachments with type and size", async () => {
    const mail = await read("japanese-utf8-attachments.eml");
    expect(mail.subject).toBe("Re: 商品の写真");
    expect(mail.displayText).toBe("写真を添付します。傷があるのは左の袖です。");
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([
      ["袖の写真.png", "image/png", 33],
      ["納品書.txt", "text/plain", 7],
    ]);
    expect(mail.attachments[1]?.content.toString()).toBe("invoice");
  });
});

describe("readMail: HTML", () => {
  it("HTML-only mail reads as text: blocks on their own lines, entities decoded, no tags, quote trimmed", async () => {
    const mail = await read("html-only.eml");
    expect(mail.text).toContain("Is the blue scarf still available & can you gift-wrap it?");
    expect(mail.text).toContain("- Size: one size\n- Colour: blue");
    expect(mail.text).not.toMatch(/<|document\.location|background/);
    expect(mail.displayText).toMatch(/^Hello,\n\nIs the blue scarf[\s\S]*Gracias,\nMarta$/);
  });

  it("script, style, event handlers, javascript: links, frames and tracking pixels are removed", async () => {
    const { html } = await read("html-only.eml");
    expect(html).not.toBeNull();
    expect(html).not.toMatch(/<script|<style|onload|onclick|javascript:|<iframe|<img|tracker\.example|cid:|<title/i);
    expect(html).toContain(
      '<a href="https://shop.example/scarf" rel="noopener noreferrer nofollow" target="_blank">the listing</a>',
    );
    expect(html).toContain("<b>blue scarf</b>");
  });

  it("a remote image becomes a link the seller may open; data and cid images are dropped", () => {
    const html = sanitizeMailHtml(
      '<p>Photo: <img src="https://cdn.example/photo.jpg" alt="the crack"><img src="data:image/png;base64,AAAA"></p>',
    );
    expect(html).toBe(
      '<p>Photo: <a href="https://cdn.example/photo.jpg" rel="noopener noreferrer nofollow" target="_blank">[the crack]</a></p>',
    );
    expect(
      sanitizeMailHtml('<a href="JaVaScRiPt:alert(1)">x</a><svg onload="x()"><script>alert(1)</script></svg>'),
    ).toBe('<a rel="noopener noreferrer nofollow" target="_blank">x</a>');
  });

  it("html to text: blockquotes become quoted lines, comments and hidden parts vanish", () => {
    expect(
      htmlToText(
        "<div>Yes<br>please</div><!-- x --><div class=q>On Mon X wrote:<blockquote>Old <i>text</i></blockquote></div><style>p{}</style>&#26085;&lt;",
      ),
    ).toBe("Yes\nplease\nOn Mon X wrote:\n\n> Old text\n\n日<");
  });
});

describe("readMail: forwards, kinds", () => {
  it("a mail forwarded as an attachment: the inner mail's sender, subject, date and text", async () => {
    const mail = await read("forward-as-attachment.eml");
    expect(mail.displayText).toBe("See below.");
    expect(mail.forwarded).toEqual({
      from: "desk@courier.example",
      subject: "Delivery problem",
      date: new Date("2026-11-30T08:00:00.000Z"),
      text: "We could not deliver parcel 4455 because the address is incomplete.",
      html: null,
    });
  });

  it("an inline Gmail forward: the forwarded sender and subject from its header block", async () => {
    const mail = await readMail(
      readFileSync(join(import.meta.dirname, "..", "fixtures", "etsy", "forwarded-gmail.eml")),
    );
    expect(mail.forwarded?.from).toBe("conversations@mail.etsy.com");
    expect(mail.forwarded?.subject).toBe("Etsy Conversation with Olivia Grant about Order #3456789012");
    expect(mail.forwarded?.date?.toISOString()).toBe("2026-12-01T12:10:00.000Z");
    expect(mail.forwarded?.text).toMatch(/^Hi Maple & Thread,/);
  });

  it("auto-reply, bounce (with the address that failed) and list mail are told apart from messages", async () => {
    expect((await read("auto-reply.eml")).kind).toBe("auto_reply");
    expect((await read("auto-reply-ja.eml")).kind).toBe("auto_reply");
    expect((await read("missed-delivery-ja.eml")).kind).toBe("message");
    const bounce = await read("bounce.eml");
    expect(bounce.kind).toBe("bounce");
    expect(bounce.bouncedRecipient).toBe("no-such-person@example.com");
    // the delivery report is read, not kept as an attachment
    expect(bounce.attachments.map((a) => a.contentType)).toEqual(["text/rfc822-headers"]);
    expect((await read("list.eml")).kind).toBe("list");
  });

  it("odd mail never throws: no headers at all", async () => {
    const mail = await readMail(Buffer.from("just a line\r\n"));
    expect(mail).toMatchObject({
      messageId: null,
      from: null,
      subject: null,
      date: null,
      recipients: [],
      kind: "message",
    });
  });
});
