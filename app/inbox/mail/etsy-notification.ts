// Etsy has no messaging API: a buyer's message reaches Kizuna as Etsy's
// notification mail, sent to the seller and forwarded to the shop's inbound
// address (or sent there directly when the seller made it their Etsy
// address). This reads one into who wrote, about which receipt, their words
// when the mail carries them, and the conversation to answer on. Etsy writes
// these mails in English or Japanese, as plain text that sometimes holds HTML
// tags, and the seller's mail client may have wrapped them in a forward.
// Client-safe: no server imports.
import type { EtsyNotification, ReadMail } from "../types";
import { addressIn } from "./forwarded-part";
import { decodeEntities, htmlToText } from "./html-text";

const ETSY_SENDER = /(?:^|[@.])etsy\.com$/i;
const FORWARD_PREFIX = /^\s*(?:(?:re|fwd?|fw|tr|wg|aw|転送|返信)\s*[:：]\s*)+/i;

interface SubjectShape {
  pattern: RegExp;
  kind: EtsyNotification["kind"];
  language: EtsyNotification["language"];
}

// The subjects Etsy's notifications carry, with the buyer's name in group 1.
const SUBJECTS: SubjectShape[] = [
  {
    pattern: /^Etsy Conversation with (.+?)(?:\s+about (?:Order|Receipt) #?\s*\d+)?\s*$/i,
    kind: "conversation",
    language: "en",
  },
  { pattern: /^(.+?) needs help with an order (?:they|he|she) placed\s*$/i, kind: "help_request", language: "en" },
  { pattern: /^(.+?) sent you a message(?: on Etsy)?\s*$/i, kind: "conversation", language: "en" },
  {
    pattern: /^(?:New message from|You have a new message from) (.+?)(?: on Etsy)?\s*$/i,
    kind: "conversation",
    language: "en",
  },
  { pattern: /^You made a sale on Etsy\b/i, kind: "sale", language: "en" },
  { pattern: /^(.+?)\s*さんとのEtsyの会話/u, kind: "conversation", language: "ja" },
  { pattern: /^Etsyで(.+?)\s*さんとの会話/u, kind: "conversation", language: "ja" },
  { pattern: /^(.+?)\s*さんが注文についてサポートを求めています/u, kind: "help_request", language: "ja" },
  { pattern: /^(.+?)\s*さんからメッセージが届きました/u, kind: "conversation", language: "ja" },
  { pattern: /^Etsyで(?:商品が売れました|販売がありました)|^ご注文が入りました/u, kind: "sale", language: "ja" },
];

// The line that says the buyer wrote; the message (when there is one) follows it.
const SENT_LINE = /(?:(?:^|\s)sent you a message|さんからメッセージが届きました)\s*[.:：。]?\s*$/imu;
// Where Etsy's own words start again after the buyer's.
const FOOTER =
  /^\s*(?:view\s*(?:message)?|reply(?: here| to this message| to .*)?\s*[:：]?|respond|quick tip\b|etsy,? inc\b|this email was sent|questions\?|メッセージ(?:を見る|に返信する|を表示)|こちらから返信|返信する|ヒント[:：]|\*{5,}|-{5,}|https?:\/\/)/iu;

const HELP_WITH = /^\s*(?:You need help with|サポートが必要な内容|お困りの内容)\s*[:：]\s*(.*)$/imu;
const IDEAL_RESOLUTION = /^\s*(?:Your ideal resolution|希望する解決方法|ご希望の解決方法)\s*[:：]\s*(.*)$/imu;
const NOTE_FOR_SELLER = /^\s*(?:Note for seller|ショップへのメモ|出品者へのメモ|販売者へのメモ)\s*[:：]\s*/imu;

const CONVERSATION_URL = /https?:\/\/(?:www\.)?etsy\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?conversations\/(\d+)/i;
const RECEIPT =
  /(?:Order|Receipt)\s*#\s*(\d{6,})|etsy\.com\/(?:[a-z]{2}\/)?your\/orders\/(\d{6,})|注文番号\s*(?:は|[:：#＃])?\s*(\d{6,})|receipt_id=(\d{6,})/iu;

interface Source {
  from: string | null;
  subject: string;
  text: string;
  html: string | null;
}

/** The Etsy notification in a mail, or null when the mail is not one. */
export function readEtsyNotification(mail: ReadMail): EtsyNotification | null {
  const source = etsySource(mail);
  if (!source) return null;

  // (bounded: these patterns only ever meet Etsy's short subjects and lines)
  const subject = source.subject.slice(0, 300).replace(FORWARD_PREFIX, "").trim();
  const shape = SUBJECTS.map((s) => ({ s, match: s.pattern.exec(subject) })).find((m) => m.match !== null);
  // Etsy's plain text may carry HTML tags ("<p> You need help with: …<br />")
  // (its own line breaks still count)
  const text = /<(?:p|br|div)\b[^>]*>/i.test(source.text)
    ? htmlToText(source.text.replace(/(?:<br\s*\/?>[ \t]*)?\n/gi, "<br>\n")).replace(/\n{3,}/g, "\n\n")
    : source.text;
  const haystack = `${subject}\n${text}`;

  const helpWith = field(HELP_WITH, text);
  const idealResolution = field(IDEAL_RESOLUTION, text);
  let kind: EtsyNotification["kind"] = shape?.s.kind ?? "conversation";
  if (helpWith !== null || idealResolution !== null) kind = "help_request";

  const language: EtsyNotification["language"] = shape?.s.language ?? (/[\u3040-\u30ff]/u.test(haystack) ? "ja" : "en");

  let buyerName = shape?.match?.[1]?.trim() || null;
  if (buyerName === null) buyerName = kind === "sale" ? saleBuyer(text) : nameFromText(text);

  const urlMatch = CONVERSATION_URL.exec(text) ?? (source.html ? CONVERSATION_URL.exec(source.html) : null);
  const conversationUrl = urlMatch ? `https://www.etsy.com/conversations/${urlMatch[1]}` : null;

  const receipt = RECEIPT.exec(haystack);
  const receiptId = receipt ? (receipt.slice(1).find((g) => g !== undefined) ?? null) : null;

  const words =
    kind === "help_request" ? noteForSeller(text, buyerName) : kind === "sale" ? null : buyerWords(text, buyerName);

  return {
    kind,
    buyerName,
    conversationUrl,
    receiptId,
    text: words,
    helpWith,
    idealResolution,
    language,
  };
}

/** The Etsy mail itself: the forwarded part when the seller forwarded it. */
function etsySource(mail: ReadMail): Source | null {
  const forwarded = mail.forwarded;
  if (forwarded && looksEtsy(forwarded.from, forwarded.subject, forwarded.text, forwarded.html)) {
    // an inline forward has no HTML of its own: the whole mail's HTML holds its links
    return {
      from: forwarded.from,
      subject: forwarded.subject ?? mail.subject ?? "",
      text: forwarded.text,
      html: forwarded.html ?? mail.html,
    };
  }
  if (looksEtsy(mail.from?.address ?? null, mail.subject, mail.text, mail.html)) {
    return { from: mail.from?.address ?? null, subject: mail.subject ?? "", text: mail.text, html: mail.html };
  }
  return null;
}

function looksEtsy(from: string | null, subject: string | null, text: string, html: string | null): boolean {
  const address = from ? (addressIn(from) ?? from) : null;
  const domain = address?.split("@")[1] ?? "";
  if (ETSY_SENDER.test(domain)) return true;
  // A forward whose header block could not be read: the subject and Etsy's links decide
  const bare = (subject ?? "").slice(0, 300).replace(FORWARD_PREFIX, "").trim();
  const subjectFits = SUBJECTS.some((s) => s.pattern.test(bare));
  return subjectFits && (/\betsy\.com\b/i.test(text) || (html !== null && /\betsy\.com\b/i.test(html)));
}

function field(pattern: RegExp, text: string): string | null {
  const match = pattern.exec(text);
  const value = match?.[1]?.trim();
  return value ? value : null;
}

/** "Olivia Grant sent you a message" / "田中 さくらさんからメッセージが届きました" → the name. */
function nameFromText(text: string): string | null {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim();
    if (line.length > 300) continue;
    const inline =
      /^(?:Hi [^,]+,\s*)?(.+?)\s+sent you a message\b/i.exec(line) ??
      /^(?:.+?さん、)?(.+?)さんからメッセージが届きました/u.exec(line);
    if (inline?.[1]) return inline[1].trim();
    // Etsy's plain layout puts the name on the line above
    if (/^(?:sent you a message|さんからメッセージが届きました)\b/iu.test(line) && i > 0) {
      const previous = (lines[i - 1] ?? "").trim();
      if (previous !== "") return previous;
    }
  }
  return null;
}

/** A sale mail names the buyer's Etsy username ("… order for 1 item from olivia_g.", "Buyer: olivia_g"). */
function saleBuyer(text: string): string | null {
  const match =
    /^[ \t]*Buyer[ \t]*:[ \t]*(\S[^\n]{0,100})/im.exec(text) ?? /\border for \d+ items? from (\S{1,100})/i.exec(text);
  const name = match?.[1]?.trim().replace(/\.$/, "");
  return name ? name : null;
}

/** What the buyer wrote, between "sent you a message:" and Etsy's footer; null when nothing. */
function buyerWords(text: string, buyerName: string | null): string | null {
  const lines = text.split("\n");
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (SENT_LINE.test(lines[i] ?? "")) {
      start = i + 1;
      break;
    }
  }
  if (start < 0) return null;
  const kept: string[] = [];
  for (let i = start; i < lines.length; i++) {
    const line = (lines[i] ?? "").replace(/^\s*>\s?/, "");
    if (FOOTER.test(line)) break;
    if (/^\s*\[image:[^\]]*\]\s*$/i.test(line)) continue;
    if (buyerName !== null && line.trim() === buyerName) continue;
    kept.push(line);
  }
  const words = decodeEntities(kept.join("\n"))
    .trim()
    .replace(/^["“„「]([\s\S]*)["”」]$/u, "$1")
    .trim();
  return words === "" ? null : words;
}

/** A help request's "Note for seller:" up to Etsy's tip or link, without Etsy's signature. */
function noteForSeller(text: string, buyerName: string | null): string | null {
  const match = NOTE_FOR_SELLER.exec(text);
  if (!match) return null;
  const rest = text.slice(match.index + match[0].length).split("\n");
  const kept: string[] = [];
  for (const line of rest) {
    if (FOOTER.test(line)) break;
    kept.push(line);
  }
  // Etsy signs the note with the buyer's name on its own line
  while (
    kept.length > 0 &&
    ((kept[kept.length - 1] ?? "").trim() === "" || (kept[kept.length - 1] ?? "").trim() === buyerName)
  ) {
    kept.pop();
  }
  const note = kept.join("\n").trim();
  return note === "" ? null : note;
}
