// A mail forwarded inline (the seller forwarding an Etsy notification, a
// customer forwarding an order mail): where the forwarded part starts in the
// text, and the sender, subject and date its header block names. Clients
// write the block differently: Gmail and Outlook put a dashed marker line or
// a From:/Sent: block, Apple Mail writes "Begin forwarded message:", Japanese
// clients translate all of it.
import type { ReadMail } from "../types";

export type ForwardedPart = NonNullable<ReadMail["forwarded"]>;

export interface ForwardFound {
  /** Offset in the text where the forward marker (or header block) starts. */
  start: number;
  part: ForwardedPart;
}

// The marker line above a forwarded part, as Gmail, Apple Mail, Thunderbird
// and their translations write it.
const MARKER =
  /^[ \t>]*(?:-{2,}[ \t]*(?:Forwarded message|Forwarded Message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|Messaggio inoltrato|Doorgestuurd bericht|転送されたメッセージ|転送メッセージ)[ \t]*-{2,}|Begin forwarded message:|Anfang der weitergeleiteten Nachricht:|Début du message réexpédié :?|転送されたメッセージ[:：]|以下は転送されたメッセージです[:：]?)[ \t]*$/im;

// Outlook's block: no marker, "From:" then "Sent:" (or their Japanese names)
// within a few lines, sometimes under a line of underscores.
const OUTLOOK_BLOCK =
  /^[ \t]*(?:_{10,}[ \t]*\n[ \t]*)?(?:-{3,}[ \t]*Original Message[ \t]*-{3,}[ \t]*\n[ \t]*)?\*?(?:From|差出人|送信者)\*?[ \t]*[:：][^\n]*\n(?:[^\n]*\n){0,3}?[ \t]*\*?(?:Sent|Date|送信日時|日付|日時)\*?[ \t]*[:：]/im;

const HEADER_LINE =
  /^[ \t>]*\*?(From|Date|Sent|Subject|To|Cc|Reply-To|差出人|送信者|日付|日時|送信日時|件名|宛先|CC)\*?[ \t]*[:：][ \t]*(.*)$/i;

const FORWARD_SUBJECT = /^\s*(?:(?:fwd?|fw|tr|wg|rv|転送)\s*[:：]\s*)+/i;

/** Whether a subject says the mail is a forward ("Fwd:", "FW:", "転送:"). */
export function isForwardSubject(subject: string | null): boolean {
  return subject !== null && FORWARD_SUBJECT.test(subject);
}

/** The forwarded part inside a mail's text, when it has one. */
export function findForwardedPart(text: string, subject: string | null): ForwardFound | null {
  const marker = MARKER.exec(text);
  if (marker) {
    const afterMarker = marker.index + marker[0].length;
    return { start: marker.index, part: readBlock(text.slice(afterMarker)) };
  }
  if (!isForwardSubject(subject)) return null;
  const block = OUTLOOK_BLOCK.exec(text);
  if (!block) return null;
  // the block starts at its From: line (or the rule above it)
  return { start: block.index, part: readBlock(text.slice(block.index).replace(/^[ \t]*_{10,}[ \t]*\n/, "")) };
}

function readBlock(rest: string): ForwardedPart {
  const lines = rest.split("\n");
  let index = 0;
  while (index < lines.length && (lines[index] ?? "").trim() === "") index++;
  const headers = new Map<string, string>();
  let last: string | null = null;
  for (; index < lines.length; index++) {
    const line = lines[index] ?? "";
    if (/^-{3,}[ \t]*Original Message[ \t]*-{3,}[ \t]*$/i.test(line.trim())) continue;
    const header = HEADER_LINE.exec(line);
    if (header) {
      last = canonicalHeader(header[1] ?? "");
      if (!headers.has(last)) headers.set(last, (header[2] ?? "").trim());
      continue;
    }
    if (line.trim() === "") break;
    // a wrapped header value ("To: a@b,\n c@d")
    if (last !== null && /^[ \t]+\S/.test(line)) {
      headers.set(last, `${headers.get(last) ?? ""} ${line.trim()}`);
      continue;
    }
    break;
  }
  let body = lines.slice(index).join("\n");
  // Some clients quote the whole forwarded body
  const nonBlank = body.split("\n").filter((l) => l.trim() !== "");
  if (nonBlank.length > 0 && nonBlank.every((l) => /^[ \t]*>/.test(l))) {
    body = body.replace(/^[ \t]*> ?/gm, "");
  }
  const from = headers.get("from") ?? null;
  return {
    from: from === null ? null : (addressIn(from) ?? (from || null)),
    subject: headers.get("subject") || null,
    date: parseForwardDate(headers.get("date") ?? null),
    text: body.trim(),
    html: null,
  };
}

function canonicalHeader(name: string): string {
  const lower = name.toLowerCase();
  if (lower === "差出人" || lower === "送信者") return "from";
  if (lower === "sent" || lower === "日付" || lower === "日時" || lower === "送信日時") return "date";
  if (lower === "件名") return "subject";
  if (lower === "宛先") return "to";
  return lower;
}

/** The e-mail address in a header value ("Etsy <no-reply@account.etsy.com>"), lower-cased. */
export function addressIn(whole: string): string | null {
  // a header value is short; a longer one is cut so no pattern here meets a huge line
  const value = whole.slice(0, 500);
  const bracketed = /<\s*([^<>\s@]+@[^<>\s]+?)\s*>/.exec(value);
  if (bracketed) return (bracketed[1] ?? "").toLowerCase();
  const mailto = /mailto:([^\s<>"\]]+@[^\s<>"\]]+)/i.exec(value);
  if (mailto) return (mailto[1] ?? "").toLowerCase();
  const bare = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+\.[a-z]{2,}/i.exec(value);
  return bare ? bare[0].toLowerCase() : null;
}

/** A date as forward header blocks write it; null when it cannot be read. */
export function parseForwardDate(value: string | null): Date | null {
  if (!value) return null;
  const japanese = /(\d{4})年\s*(\d{1,2})月\s*(\d{1,2})日(?:\s*[(（][^)）]*[)）])?\s*(?:(\d{1,2})[:：](\d{2}))?/.exec(
    value,
  );
  if (japanese) {
    const [, y, mo, d, h, mi] = japanese;
    // Japanese clients write Japan time without a zone
    const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0) - 9, Number(mi ?? 0)));
    return Number.isNaN(date.getTime()) ? null : date;
  }
  const cleaned = value
    .replace(/\s+at\s+/i, " ")
    .replace(
      /\bGMT([+-])(\d{1,2})(?::?(\d{2}))?\b/,
      (_m, sign: string, h: string, m?: string) => `GMT${sign}${h.padStart(2, "0")}${m ?? "00"}`,
    )
    .replace(/[\u202f\u00a0]/g, " ");
  const date = new Date(cleaned);
  return Number.isNaN(date.getTime()) ? null : date;
}
