// Kizuna's mail reading against mail nobody on the team wrote: the public
// corpora in ../shared/corpus (see its README; never copied into the project).
// Quote trimming is measured as a pass rate (exact after whitespace) and must
// not fall below what it reaches today; classification and Japanese decoding
// are checked mail by mail. Skipped, saying so, when the corpus is absent.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { htmlToText } from "../../app/inbox/mail/html-text.ts";
import { readMail } from "../../app/inbox/mail/read-mail.server.ts";
import { trimReply } from "../../app/inbox/mail/trim-reply.ts";

const CANDIDATES = ["/work/shared/corpus", resolve(import.meta.dirname, "..", "..", "..", "shared", "corpus")];
const CORPUS = CANDIDATES.find((dir) => existsSync(join(dir, "mail")));
if (!CORPUS) console.warn(`inbox mail corpus: skipped, no corpus at ${CANDIDATES.join(" or ")}`);

const mail = (...parts: string[]) => join(CORPUS ?? "", "mail", ...parts);
const norm = (text: string) => text.replace(/\s+/g, " ").trim();

function rate(label: string, results: { name: string; ok: boolean }[]): number {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  console.log(`${label}: ${passed}/${results.length}${failed.length ? ` (not: ${failed.join(", ")})` : ""}`);
  return passed / results.length;
}

describe.skipIf(!CORPUS)(`inbox mail corpus (${CORPUS ?? "absent"})`, () => {
  it("email_reply_trimmer: the reply alone, exact after whitespace, on at least 95% of 64 mails", () => {
    const dir = mail("email_reply_trimmer");
    const results = readdirSync(join(dir, "emails"))
      .sort()
      .map((name) => ({
        name,
        ok:
          norm(trimReply(readFileSync(join(dir, "emails", name), "utf8"))) ===
          norm(readFileSync(join(dir, "trimmed", name), "utf8")),
      }));
    expect(results.length).toBe(64);
    expect(rate("email_reply_trimmer", results)).toBeGreaterThanOrEqual(0.95);
  });

  it("talon standard replies (read from the .eml): the quote cut where talon cuts it, on every client", async () => {
    const dir = mail("talon", "standard_replies");
    const strict: { name: string; ok: boolean }[] = [];
    const boundary: { name: string; ok: boolean }[] = [];
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith(".eml"))
      .sort()) {
      const expectedFile = join(dir, `${name.replace(/\.eml$/, "")}_reply_text`);
      const expected = existsSync(expectedFile) ? readFileSync(expectedFile, "utf8") : "Hello";
      const { displayText } = await readMail(readFileSync(join(dir, name)));
      strict.push({ name, ok: norm(displayText) === norm(expected) });
      // talon keeps signatures, Kizuna trims them: compare with the expected reply's own signature trimmed
      boundary.push({ name, ok: norm(displayText) === norm(trimReply(expected)) });
    }
    expect(strict.length).toBe(12);
    expect(rate("talon standard_replies, strict", strict)).toBeGreaterThanOrEqual(10 / 12);
    expect(rate("talon standard_replies, quote boundary", boundary)).toBe(1);
  });

  it('talon HTML replies (Gmail, Outlook 2003–2010, Thunderbird, Yandex, Mail.ru…): "Hi. I am fine. Thanks, Alex"', () => {
    const dir = mail("talon", "html_replies");
    const results = readdirSync(dir)
      .sort()
      .map((name) => ({
        name,
        ok: norm(trimReply(htmlToText(readFileSync(join(dir, name), "utf8")))) === "Hi. I am fine. Thanks, Alex",
      }));
    expect(rate("talon html_replies", results)).toBe(1);
  });

  it("email_reply_parser: wrapped headers, phone signatures, and what only looks like them", () => {
    const dir = mail("email_reply_parser");
    const cases: [string, (display: string) => boolean][] = [
      ["correct_sig.txt", (d) => d === "this is an email with a correct -- signature."],
      ["email_1_1.txt", (d) => d.startsWith("Hi folks") && d.endsWith("-Abhishek Kona")],
      ["email_1_2.txt", (d) => d.startsWith("Hi,") && d.includes("You can list the keys") && !d.includes("wrote:")],
      ["email_1_3.txt", (d) => d === "Oh thanks.\n\nHaving the function would be great.\n\n-Abhishek Kona"],
      ["email_1_4.txt", (d) => d === "Awesome! I haven't had another problem with it."],
      ["email_1_5.txt", (d) => d.startsWith("One: Here's what I've got.") && !d.includes("wrote:")],
      ["email_1_6.txt", (d) => d === "I get proper rendering as well.\n\nSent from a magnificent torch of pixels"],
      ["email_1_7.txt", (d) => d === ":+1:"],
      [
        "email_1_8.txt",
        (d) => d.includes("I will reply under this one") && d.includes("and under this.") && !d.includes("Tim Haines"),
      ],
      ["email_2_1.txt", (d) => d === "Outlook with a reply"],
      ["email_2_2.txt", (d) => d === "Outlook with a reply directly above line"],
      ["email_2_3.txt", (d) => d === "Outlook with a reply directly above line"],
      ["email_BlackBerry.txt", (d) => d === "Here is another email"],
      ["email_iPhone.txt", (d) => d === "Here is another email"],
      ["email_multi_word_sent_from_my_mobile_device.txt", (d) => d === "Here is another email"],
      [
        "email_sent_from_my_not_signature.txt",
        (d) => d.endsWith("Sent from my desk, is much easier then my mobile phone."),
      ],
      [
        "email_sig_delimiter_in_middle_of_line.txt",
        (d) => d.includes("And here is a fix -- this is not a signature.") && d.endsWith("kthxbai"),
      ],
      ["email_bullets.txt", (d) => d.includes("- and another") && !d.includes("Joe Smith") && !d.includes("wrote:")],
      ["email_one_is_not_on.txt", (d) => d.endsWith("Locally (on development), when I run...")],
      [
        "greedy_on.txt",
        (d) => d.startsWith("On your remote host you can run:") && d.endsWith("the tunnel is not working."),
      ],
      [
        "pathological.txt",
        (d) =>
          d === "I think you're onto something. I will try to fix the problem as soon as I\nget back to a computer.",
      ],
      // 700 kB of ">" read in one pass; its interleaved lines are kept, the list footer is not
      ["email_long_quote.txt", (d) => d.startsWith("Hi folks") && d.endsWith("-Abhishek Kona")],
    ];
    const results = cases.map(([name, check]) => ({
      name,
      ok: check(trimReply(readFileSync(join(dir, name), "utf8"))),
    }));
    expect(rate("email_reply_parser", results)).toBe(1);
  });

  it("chatwoot: auto-replies, bounces (with the failed address) and messages told apart; every mail displays text", async () => {
    const dir = mail("chatwoot");
    const expected: Record<string, [string, string | null]> = {
      "auto_reply.eml": ["auto_reply", null],
      "auto_reply_with_auto_submitted.eml": ["auto_reply", null],
      "non_utf_encoded_mail.eml": ["auto_reply", null],
      "bounced_gmail.eml": ["bounce", "alex.jones@fictionalcorp.com"],
      "bounced_with_no_from.eml": ["bounce", "noreply@example-service.com"],
    };
    const results: { name: string; ok: boolean }[] = [];
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith(".eml"))
      .sort()) {
      const read = await readMail(readFileSync(join(dir, name)));
      const [kind, bounced] = expected[name] ?? ["message", null];
      results.push({ name, ok: read.kind === kind && read.bouncedRecipient === bounced && read.displayText !== "" });
    }
    expect(results.length).toBeGreaterThanOrEqual(28);
    expect(rate("chatwoot kinds", results)).toBe(1);
  });

  it("chatwoot threading headers: bare ids, the first of several In-Reply-To ids, HTML-only and quoted mail", async () => {
    const read = async (name: string) => readMail(readFileSync(mail("chatwoot", name)));
    const multiple = await read("multiple_in_reply_to.eml");
    expect(multiple.inReplyTo).toBe("4e6e35f5a38b4_479f13bb90078171@small-app-01.mail");
    expect((await read("only_html.eml")).displayText).toBe("This is html only mail");
    expect((await read("mail_with_quote.eml")).displayText).toBe(
      "Yes, I am providing you step how to reproduce this issue",
    );
    const noDate = await read("mail_with_no_date.eml");
    expect(noDate.date).toBeNull();
    for (const name of ["references.eml", "in_reply_to.eml", "reply.eml"]) {
      const read1 = await read(name);
      for (const id of [read1.messageId, read1.inReplyTo, ...read1.references])
        if (id) expect(id).not.toMatch(/[<>\s]/);
    }
  });

  it("mikel/mail Japanese: ISO-2022-JP, Shift_JIS, UTF-8 base64, RFC 2047/2231 file names (and Korean)", async () => {
    const read = async (name: string) => readMail(readFileSync(mail("mikel-mail", name)));
    const japanese = await read("japanese.eml");
    expect([japanese.subject, japanese.displayText]).toEqual(["まみむめも", "かきくえこ"]);
    expect((await read("japanese_iso_2022.eml")).text).toBe("すみません。");
    expect((await read("japanese_shift_jis.eml")).text).toContain("このメールはテスト用のメールです。");
    expect((await read("japanese_attachment.eml")).attachments.map((a) => a.filename)).toEqual(["てすと.txt"]);
    const long = await read("japanese_attachment_long_name.eml");
    expect(long.attachments.map((a) => a.filename)).toEqual(["かきくけこかきくけこかきくけこかきくけこかきくけこ.txt"]);
    expect(long.subject).toBe("まみむめも".repeat(10));
    expect((await read("ks_c_5601-1987.eml")).text).toBe("스티해");
  });
});
