// The inbound mail of `npm run bench -- inbox`: RFC 822 messages in the shapes
// real clients send (written here, words and people invented, as
// tests/fixtures/mail/generate.mjs): Gmail text + HTML with a quoted reply,
// Outlook HTML-only and its "From: … Sent:" block, Apple Mail to a reply
// address with no References, Japanese in ISO-2022-JP (old carriers,
// Thunderbird) and UTF-8 base64, a photo attached now and then. Replies point
// at earlier mail of the set (In-Reply-To / References) or at the seeded
// conversations (their Message-IDs, their reply+<token>@ addresses). Each
// mail says which conversation it must land in, so the run can check the
// threading as well as the count.
import Encoding from "encoding-japanese";
import { seededRandom } from "../sandbox/random.ts";
import {
  INBOUND_DOMAIN,
  INBOUND_KEY,
  seededContactEmail,
  seededMessageId,
  seededMessageIndex,
  seededReplyToken,
  seededChannel,
  type InboxShape,
} from "./inbox-seed.ts";

export interface BenchMail {
  /** The Message-ID as stored (with angle brackets). */
  messageId: string;
  raw: Buffer;
  envelope: { from: string; to: string[] };
  /** The shape, for the report. */
  shape: string;
  /** Where it must land: a seeded conversation's id, or the conversation of an earlier mail of the set. */
  expect: { conversationId: number } | { sameAsMessageId: string } | { newConversation: true };
}

const INBOX = `inbox+${INBOUND_KEY}@${INBOUND_DOMAIN}`;
const SHOP_NAME = "Kizuna Bench 藍染め工房";

const crlf = (text: string) => text.replace(/\r?\n/g, "\r\n");
const b64 = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString("base64");
const wrap76 = (text: string) => text.replace(/.{76}/g, "$&\r\n");
const jis = (text: string) =>
  Buffer.from(Encoding.convert(Encoding.stringToCode(text), { to: "JIS", from: "UNICODE" }) as number[]);
const utf8Word = (text: string) => `=?UTF-8?B?${b64(Buffer.from(text, "utf8"))}?=`;
const jisWord = (text: string) => `=?ISO-2022-JP?B?${b64(jis(text))}?=`;
const qp = (text: string) =>
  Buffer.from(text, "utf8")
    .toString("binary")
    .replace(/[=\x80-\xff]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`)
    .split("\n")
    .map((line) => line.replace(/(.{73}[^=]{0,2})/g, "$1=\n"))
    .join("\n");

function date(ms: number): string {
  return new Date(ms).toUTCString().replace("GMT", "+0000");
}

const EN = [
  'Hi, my parcel still shows "label created" after four days. Could you check with the carrier?',
  "The indigo tote arrived today but one strap is torn at the seam. Could I get a replacement?",
  "Could you send my order to my office instead? The address is 2-3-1 Marunouchi, Chiyoda-ku.",
  "I ordered the wrong size. Is it possible to exchange the M for an L before it ships?",
];
const JA = [
  "お世話になっております。先週注文した藍染めトートバッグがまだ届いていません。いつ頃届きますでしょうか。",
  "本日商品が届きましたが、持ち手の縫い目がほつれていました。交換していただけますか。",
  "サイズを間違えて注文してしまいました。発送前であればMからLに変更できますか。",
  "ギフト用に包装をお願いしたいのですが、追加料金はかかりますか。よろしくお願いいたします。",
];
const QUOTE_EN =
  "Hi, thanks for your order! Your tote is on its way with Yamato, tracking number 400012345678.\nWe hope you enjoy it.";
const QUOTE_JA = "ご注文ありがとうございます。ヤマト運輸にて発送いたしました。\n伝票番号：400012345678";

/** A small JPEG-looking attachment (a phone photo of the damage). */
function photo(rand: () => number, bytes: number): Buffer {
  const data = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) data[i] = Math.floor(rand() * 256);
  data[0] = 0xff;
  data[1] = 0xd8;
  return data;
}

function headers(lines: Record<string, string | undefined>): string {
  return Object.entries(lines)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}: ${value}`)
    .join("\n");
}

interface Parent {
  messageId: string;
  from: string;
  subject: string;
}

/**
 * `count` mails for the seeded inbox `shape`, the same ones on every run (a
 * seeded generator). `tag` keeps the Message-IDs of two sets apart (warm-up
 * and measured). Every `duplicateEvery`-th mail is followed by a second
 * delivery of the same bytes (it must be stored once).
 */
export function generateMails(shape: InboxShape, count: number, tag: string, seed: number, now: number): BenchMail[] {
  const rand = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const seededConversation = (wanted: string) => {
    // A seeded conversation on the wanted channel (c mod 10 decides it).
    for (;;) {
      const c = Math.floor(rand() * shape.conversations);
      if (seededChannel(c) === wanted) return c;
    }
  };
  const mails: BenchMail[] = [];
  const parents: Parent[] = [];
  for (let i = 0; i < count; i++) {
    const id = `<${tag}-${i}.${Math.floor(rand() * 1e9).toString(36)}@mail.example.jp>`;
    const at = now - (count - i) * 1000;
    const kind = i % 10;
    const lang = rand() < 0.6 ? "ja" : "en";
    const body = lang === "ja" ? pick(JA) : pick(EN);
    const newSender = `${lang === "ja" ? "hanako" : "emma"}.${tag}.${i}@gmail.example`;
    // An earlier mail of this set, far enough back that it was stored before this one is sent.
    const parent = parents.length > 30 ? parents[parents.length - 30 + Math.floor(rand() * 10)] : undefined;
    let mail: Omit<BenchMail, "messageId"> & { parent?: Parent };
    if (kind === 0 || (kind === 2 && !parent) || (kind === 7 && !parent)) {
      // Gmail, a new question: text + HTML (quoted-printable UTF-8).
      const subject = lang === "ja" ? "注文した商品について" : "Question about my order";
      const from = newSender;
      mail = {
        raw: Buffer.from(
          crlf(
            `${headers({
              "MIME-Version": "1.0",
              Date: date(at),
              "Message-ID": id,
              Subject: lang === "ja" ? utf8Word(subject) : subject,
              From: `${lang === "ja" ? utf8Word("山田 花子") : "Emma Clark"} <${from}>`,
              To: `${SHOP_NAME.replace(/[^\x20-\x7e]/g, "") || "Shop"} <${INBOX}>`,
              "Content-Type": 'multipart/alternative; boundary="000000000000b0a1"',
            })}

--000000000000b0a1
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

${qp(body)}

--000000000000b0a1
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

${qp(`<div dir="ltr">${body}<div><br></div><div>${lang === "ja" ? "山田" : "Emma"}</div></div>`)}

--000000000000b0a1--
`,
          ),
          "latin1",
        ),
        envelope: { from, to: [INBOX] },
        shape: "Gmail text+HTML, new",
        expect: { newConversation: true },
      };
      parents.push({ messageId: id, from, subject });
    } else if (kind === 2) {
      // Gmail reply with the quoted history, subject changed now and then (threads by References, never by subject).
      const p = parent!;
      const subject = rand() < 0.3 ? (lang === "ja" ? "追加の質問" : "one more question") : `Re: ${p.subject}`;
      mail = {
        raw: Buffer.from(
          crlf(
            `${headers({
              "MIME-Version": "1.0",
              Date: date(at),
              References: p.messageId,
              "In-Reply-To": p.messageId,
              "Message-ID": id,
              Subject: utf8Word(subject),
              From: `<${p.from}>`,
              To: `<${INBOX}>`,
              "Content-Type": 'text/plain; charset="UTF-8"',
              "Content-Transfer-Encoding": "quoted-printable",
            })}

${qp(
  `${body}\n\n${lang === "ja" ? "2026年12月1日(火) 10:00 " : "On Tue, Dec 1, 2026 at 10:00 AM "}${SHOP_NAME} <${INBOX}> ${lang === "ja" ? "のメッセージ:" : "wrote:"}\n\n${(lang ===
  "ja"
    ? QUOTE_JA
    : QUOTE_EN
  )
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n")}\n>\n`,
)}
`,
          ),
          "latin1",
        ),
        envelope: { from: p.from, to: [INBOX] },
        shape: "Gmail reply, quoted",
        expect: { sameAsMessageId: p.messageId },
      };
    } else if (kind === 3) {
      // Outlook, HTML only, from a seeded customer writing anew.
      const k = Math.floor(rand() * shape.contacts);
      const from = seededContactEmail(k);
      const html = `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style><!-- p.MsoNormal {margin:0cm; font-size:11.0pt; font-family:"Calibri",sans-serif;} --></style></head><body lang="EN-GB"><div class="WordSection1"><p class="MsoNormal">Hello,<o:p></o:p></p><p class="MsoNormal">${body}<o:p></o:p></p><p class="MsoNormal">Kind regards<br>Lukas<o:p></o:p></p></div><script>alert(1)</script></body></html>`;
      mail = {
        raw: Buffer.from(
          crlf(
            `${headers({
              From: `"Meyer, Lukas" <${from}>`,
              To: `"${SHOP_NAME.replace(/[^\x20-\x7e]/g, "").trim() || "Shop"}" <${INBOX}>`,
              Subject: "Order question",
              "Thread-Topic": "Order question",
              Date: date(at),
              "Message-ID": id,
              "Content-Language": "en-GB",
              "Content-Type": 'text/html; charset="utf-8"',
              "Content-Transfer-Encoding": "base64",
              "MIME-Version": "1.0",
            })}

${wrap76(b64(Buffer.from(html, "utf8")))}
`,
          ),
          "latin1",
        ),
        envelope: { from, to: [INBOX] },
        shape: "Outlook HTML-only",
        // A seeded customer: their open email conversation if one is recent, else a new one — not checked.
        expect: { newConversation: true },
      };
    } else if (kind === 4) {
      // ISO-2022-JP reply (Thunderbird, old carriers) to a seeded conversation's message, by References.
      const c = seededConversation("email");
      const ref = seededMessageId(seededMessageIndex(shape, c, 0));
      const from = seededContactEmail(c % shape.contacts);
      const text = `${pick(JA)}\n\n山田\n\n-- \n山田 花子\n090-1234-5678`;
      const head = Buffer.from(
        crlf(
          `${headers({
            Date: date(at),
            From: `${jisWord("山田 花子")} <${from}>`,
            To: `<${INBOX}>`,
            Subject: jisWord("Re: ご注文について"),
            "Message-ID": id,
            "In-Reply-To": ref,
            References: ref,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=ISO-2022-JP",
            "Content-Transfer-Encoding": "7bit",
            "User-Agent": "Mozilla Thunderbird",
          })}

`,
        ),
        "latin1",
      );
      mail = {
        raw: Buffer.concat([head, Buffer.from(jis(text).toString("latin1").replace(/\n/g, "\r\n"), "latin1")]),
        envelope: { from, to: [INBOX] },
        shape: "ISO-2022-JP reply (References)",
        expect: { conversationId: c + 1 },
      };
    } else if (kind === 5 || kind === 9) {
      // Apple Mail (5: no References at all) or an iPhone reply (9: In-Reply-To our reply) to a reply+<token>@ address.
      const c = seededConversation("email");
      const to = `reply+${seededReplyToken(c)}@${INBOUND_DOMAIN}`;
      const from = seededContactEmail(c % shape.contacts);
      const ours = `<seed-${seededMessageIndex(shape, c, 1)}.reply@${INBOUND_DOMAIN}>`;
      const quoted = (lang === "ja" ? QUOTE_JA : QUOTE_EN)
        .split("\n")
        .map((line) => `> ${line}`)
        .join("\n");
      const plain = `${body}\n\n${kind === 9 ? "Sent from my iPhone\n\n" : ""}> On 1 Dec 2026, at 10:00, ${SHOP_NAME} <${to}> wrote:\n>\n${quoted}`;
      mail = {
        raw: Buffer.from(
          crlf(
            `${headers({
              "Content-Type": 'multipart/alternative; boundary="Apple-Mail=_5E1C"',
              "Mime-Version": "1.0 (Mac OS X Mail 16.0)",
              Subject: kind === 5 ? utf8Word(lang === "ja" ? "届いた商品について" : "About the parcel") : `Re: Order`,
              From: `${utf8Word(lang === "ja" ? "佐藤 健" : "Emma Clark")} <${from}>`,
              "In-Reply-To": kind === 9 ? ours : undefined,
              Date: date(at),
              To: `${utf8Word(SHOP_NAME)} <${to}>`,
              "Message-Id": id,
              "X-Mailer": kind === 9 ? "iPhone Mail (21A329)" : "Apple Mail (2.3774)",
            })}

--Apple-Mail=_5E1C
Content-Transfer-Encoding: base64
Content-Type: text/plain; charset=utf-8

${wrap76(b64(Buffer.from(plain.replace(/\n/g, "\r\n"), "utf8")))}

--Apple-Mail=_5E1C
Content-Transfer-Encoding: base64
Content-Type: text/html; charset=utf-8

${wrap76(b64(Buffer.from(`<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body dir="auto"><div>${body}</div><div><br><blockquote type="cite"><div>On 1 Dec 2026, at 10:00, ${SHOP_NAME} wrote:</div><div>${QUOTE_EN}</div></blockquote></div></body></html>`, "utf8")))}

--Apple-Mail=_5E1C--
`,
          ),
          "latin1",
        ),
        envelope: { from, to: [to] },
        shape: kind === 5 ? "Apple Mail to reply address, no References" : "iPhone reply to reply address",
        expect: { conversationId: c + 1 },
      };
    } else if (kind === 6) {
      // UTF-8 Japanese, base64, with a photo attached (a phone).
      const from = newSender;
      const subject = "商品が破損していました";
      const picture = photo(rand, 24_000 + Math.floor(rand() * 16_000));
      mail = {
        raw: Buffer.from(
          crlf(
            `${headers({
              "MIME-Version": "1.0",
              Date: date(at),
              "Message-ID": id,
              Subject: utf8Word(subject),
              From: `${utf8Word("佐藤 健")} <${from}>`,
              To: `<${INBOX}>`,
              "Content-Type": 'multipart/mixed; boundary="=_mixed_6a1f"',
            })}

--=_mixed_6a1f
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: base64

${wrap76(b64(Buffer.from(`${pick(JA)}\r\n写真を添付します。\r\n\r\n佐藤`, "utf8")))}

--=_mixed_6a1f
Content-Type: image/jpeg; name="IMG_2041.jpg"
Content-Disposition: attachment; filename="IMG_2041.jpg"
Content-Transfer-Encoding: base64

${wrap76(b64(picture))}

--=_mixed_6a1f--
`,
          ),
          "latin1",
        ),
        envelope: { from, to: [INBOX] },
        shape: "UTF-8 Japanese + photo",
        expect: { newConversation: true },
      };
      parents.push({ messageId: id, from, subject });
    } else if (kind === 7) {
      // Outlook reply: text with the "From: … Sent:" block, References to an earlier mail of the set.
      const p = parent!;
      mail = {
        raw: Buffer.from(
          crlf(
            `${headers({
              From: `<${p.from}>`,
              To: `<${INBOX}>`,
              Subject: `RE: ${p.subject.replace(/[^\x20-\x7e]/g, "") || "order"}`,
              Date: date(at),
              "Message-ID": id,
              References: p.messageId,
              "In-Reply-To": p.messageId,
              "Content-Type": 'text/plain; charset="utf-8"',
              "Content-Transfer-Encoding": "quoted-printable",
              "MIME-Version": "1.0",
            })}

${qp(`${body}\n\nKind regards\n\n________________________________\nFrom: ${SHOP_NAME} <${INBOX}>\nSent: 30 November 2026 08:00\nTo: ${p.from}\nSubject: ${p.subject}\n\n${QUOTE_EN}\n`)}
`,
          ),
          "latin1",
        ),
        envelope: { from: p.from, to: [INBOX] },
        shape: "Outlook reply, quoted block",
        expect: { sameAsMessageId: p.messageId },
      };
    } else {
      // kind 1 and 8: a new mail, plain: 1 UTF-8 English 7bit, 8 ISO-2022-JP from a Japanese phone.
      const from = newSender;
      const japanese = kind === 8;
      const subject = japanese ? "配送について" : "Shipping question";
      const head = Buffer.from(
        crlf(
          `${headers({
            Date: date(at),
            From: japanese ? `${jisWord("鈴木 一郎")} <${from}>` : `Emma Clark <${from}>`,
            To: INBOX,
            Subject: japanese ? jisWord(subject) : subject,
            "Message-ID": id,
            "MIME-Version": "1.0",
            "Content-Type": japanese ? "text/plain; charset=ISO-2022-JP" : "text/plain; charset=us-ascii",
            "Content-Transfer-Encoding": "7bit",
          })}

`,
        ),
        "latin1",
      );
      const text = japanese ? `${pick(JA)}\n\n鈴木` : `${pick(EN)}\n\nEmma\n\n--\nSent from my phone`;
      mail = {
        raw: Buffer.concat([
          head,
          japanese
            ? Buffer.from(jis(text).toString("latin1").replace(/\n/g, "\r\n"), "latin1")
            : Buffer.from(crlf(text)),
        ]),
        envelope: { from, to: [INBOX] },
        shape: japanese ? "ISO-2022-JP new (phone)" : "plain text new",
        expect: { newConversation: true },
      };
      parents.push({ messageId: id, from, subject });
    }
    mails.push({ messageId: id, ...mail });
  }
  return mails;
}

/** The mails in sending order, with every `every`-th one delivered a second time a little later. */
export function withDuplicates(mails: readonly BenchMail[], every: number): BenchMail[] {
  const out: BenchMail[] = [];
  mails.forEach((mail, index) => {
    out.push(mail);
    if (index % every === every - 1) {
      const again = mails[Math.max(0, index - 5)]!;
      out.push(again);
    }
  });
  return out;
}
