// The reply alone for display: quote headers as Gmail, Outlook, Apple Mail,
// phones and Japanese clients write them, signatures, forwards. Every input
// here is ours; the public corpora are measured in
// tests/integration/inbox-mail-corpus.test.ts.
import { describe, expect, it } from "vitest";
import { trimReply } from "../../app/inbox/mail/trim-reply.ts";

const REPLY = "Thanks, that works for me.\n\nAiko";

describe("trimReply: quote headers", () => {
  it.each([
    ["Gmail", "On Mon, Nov 30, 2026 at 9:00 AM Maple & Thread <reply+x@in.kizuna.test> wrote:"],
    ["Gmail, wrapped", "On Mon, Nov 30, 2026 at 9:00 AM Maple & Thread <\nreply+x@in.kizuna.test> wrote:"],
    ["Apple Mail", "On 30 Nov 2026, at 18:02, Maple & Thread <reply+x@in.kizuna.test> wrote:"],
    ["Android", "On Tue, 1 Dec 2026, 9:00 am Maple & Thread, <reply+x@in.kizuna.test> wrote:"],
    ["Thunderbird", "On 30/11/2026 18:02, Maple & Thread wrote:"],
    ["Japanese Gmail", "2026年12月1日(火) 10:00 山田 <a@b.jp> のメッセージ:"],
    ["Japanese Gmail, no word", "2026年12月1日(火) 10:00 山田 <a@b.jp>:"],
    ["Japanese Gmail, wrapped", "2026年12月1日(火) 10:00 Maple & Thread <\nreply+x@in.kizuna.test>:"],
    ["Japanese Gmail, wrapped word", "2026年12月1日(火) 10:00 Maple & Thread <reply+x@in.kizuna.test>\nのメッセージ:"],
    ["Japanese Thunderbird", "Maple & Thread さんは書きました:"],
    ["Japanese Apple Mail", "2026/12/01 10:00、Maple & Thread <a@b.jp>のメール:"],
    ["German", "Am 30.11.2026 um 18:02 schrieb Maple & Thread <a@b.de>:"],
    ["French, wrapped", 'Le 30 nov. 2026 18:02, "Maple & Thread"\n<a@b.fr>\na écrit :'],
    ["Spanish", "El lun, 30 nov 2026 a las 18:02, Maple & Thread (<a@b.es>) escribió:"],
    ["Zoho", "---- On Mon, 30 Nov 2026 18:02:00 +0900 Maple <a@b.jp> wrote ----"],
  ])("%s", (_client, header) => {
    const text = `${REPLY}\n\n${header}\n\n> Your order has shipped.\n> Track it here.\n`;
    expect(trimReply(text)).toBe(REPLY);
  });

  it("an unquoted history under the header is cut too", () => {
    expect(
      trimReply(`${REPLY}\n\nOn Mon, Nov 30, 2026 at 9:00 AM Shop <a@b.c> wrote:\n\nYour order has shipped.`),
    ).toBe(REPLY);
  });

  it("Outlook's From/Sent/To/Subject block, with and without the rule above it, and in Japanese", () => {
    const block =
      "From: Maple & Thread <a@b.c>\nSent: 30 November 2026 08:00\nTo: Aiko <aiko@example.jp>\nSubject: order";
    expect(trimReply(`${REPLY}\n\n________________________________\n${block}\n\nYour order has shipped.`)).toBe(REPLY);
    expect(trimReply(`${REPLY}\n\n${block}\n\nYour order has shipped.`)).toBe(REPLY);
    expect(trimReply(`${REPLY}\n\n*From:* Shop\n*Sent:* Monday\n*To:* Aiko\n*Subject:* order\n\nhistory`)).toBe(REPLY);
    const japanese = "差出人: Maple & Thread <a@b.c>\n送信日時: 2026年11月30日 8:00\n宛先: 愛子\n件名: ご注文";
    expect(trimReply(`${REPLY}\n\n${japanese}\n\n発送しました。`)).toBe(REPLY);
  });

  it("-----Original Message----- and its translations", () => {
    for (const marker of [
      "-----Original Message-----",
      "-----Ursprüngliche Nachricht-----",
      "-----元のメッセージ-----",
    ]) {
      expect(trimReply(`${REPLY}\n\n${marker}\nFrom: Shop\nhistory`), marker).toBe(REPLY);
    }
  });

  it("quotes answered in between stay; trailing quotes go", () => {
    const inline = "> Which size?\n\nM please.\n\n> Which colour?\n\nBlue.";
    expect(trimReply(`${inline}\n\n> Thanks!`)).toBe(inline);
  });

  it("a customer's own words are not taken for headers", () => {
    const text = "I wrote to you yesterday.\nSubject: the blue scarf\nOn Monday it still had not shipped.";
    expect(trimReply(text)).toBe(text);
    expect(trimReply("Here is my address:\n1-2-3 Shibuya")).toBe("Here is my address:\n1-2-3 Shibuya");
  });
});

describe("trimReply: signatures", () => {
  it.each([
    "Sent from my iPhone",
    "Sent from my Galaxy",
    "Sent from my Android phone",
    "Sent from Yahoo Mail on Android",
    "Get Outlook for iOS",
    "iPhoneから送信",
    "送信元: iPhone",
    "Androidから送信しました",
    "ドコモメールから送信",
    "Von meinem iPhone gesendet",
    "Envoyé de mon iPhone",
  ])("%s", (signature) => {
    expect(trimReply(`${REPLY}\n\n${signature}\n`)).toBe(REPLY);
  });

  it('"-- " ends the reply; a sentence starting "Sent from my desk" is no signature', () => {
    expect(trimReply(`${REPLY}\n-- \nAiko Tanaka\nTokyo`)).toBe(REPLY);
    const desk = `${REPLY}\n\nSent from my desk, which is much easier than my phone.`;
    expect(trimReply(desk)).toBe(desk);
    expect(trimReply("Use the code -- it works.")).toBe("Use the code -- it works.");
  });
});

describe("trimReply: forwards and edge cases", () => {
  it("text above a forward is the reply; a bare forward shows what was forwarded", () => {
    const gmail =
      "---------- Forwarded message ---------\nFrom: A <a@b.c>\nDate: Mon, Nov 30, 2026\nSubject: Hi\nTo: <d@e.f>\n\n\nThe forwarded words.";
    expect(trimReply(`Please see below.\n\n${gmail}`)).toBe("Please see below.");
    expect(trimReply(gmail)).toBe("The forwarded words.");
    const apple =
      "Begin forwarded message:\n\nFrom: A <a@b.c>\nSubject: Hi\nDate: 30 November 2026 at 10:00:00 JST\nTo: d@e.f\n\nApple words.";
    expect(trimReply(apple)).toBe("Apple words.");
    expect(trimReply("転送されたメッセージ:\n\n差出人: A <a@b.c>\n件名: こんにちは\n\n転送の本文")).toBe("転送の本文");
  });

  it("a mail that is all quote shows as it came; CRLF and empty input", () => {
    expect(trimReply("> only a quote\n> here")).toBe("> only a quote\n> here");
    expect(trimReply("Hello\r\n\r\nOn Mon, X <a@b.c> wrote:\r\n> old\r\n")).toBe("Hello");
    expect(trimReply("")).toBe("");
  });

  it("a long text of headers and quotes is read in one pass (no quadratic blow-up in what it returns)", () => {
    const many = "Thanks\n\n" + "On Mon, Dec 1, 2026 at 10:00 AM A <a@b.c> wrote:\n> q\n".repeat(20_000);
    expect(trimReply(many)).toBe("Thanks");
    const forwards = "---------- Forwarded message ---------\n".repeat(10_000) + "end";
    expect(trimReply(forwards)).toBe("end");
  });
});
