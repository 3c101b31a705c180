// A mail read from its RFC 822 bytes into what the inbox threads, classifies
// and shows. One mailparser pass does the MIME and charset work (ISO-2022-JP,
// Shift_JIS, EUC-JP, RFC 2047/2231); everything it would compute and we do not
// use (text→HTML, links, inline images as data: URLs, HTML→text) is switched
// off, so reading adds little beyond the parse itself.
import { simpleParser, type AddressObject, type EmailAddress, type ParsedMail } from "mailparser";

import type { Attachment, ReadMail } from "../types";
import { classifyMail } from "./classify-mail";
import { addressIn, findForwardedPart, isForwardSubject, type ForwardedPart } from "./forwarded-part";
import { htmlToText } from "./html-text";
import { sanitizeMailHtml } from "./mail-html.server";
import { trimReply } from "./trim-reply";

const PARSE_OPTIONS = {
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  keepDeliveryStatus: true,
} as const;

/** Reads one delivery. Never throws on odd mail: what cannot be read is null or empty. */
export async function readMail(raw: Buffer): Promise<ReadMail> {
  const parsed = await simpleParser(raw, PARSE_OPTIONS);
  return readParsed(parsed, raw);
}

/** The inner mail of a forward-as-attachment is read without its bytes: only the top level is re-decoded. */
async function readParsed(parsed: ParsedMail, raw: Buffer | null): Promise<ReadMail> {
  const top = raw !== null;
  const headers = headerMap(parsed);
  const from = firstAddress(parsed.from);
  const subject = parsed.subject?.trim() || null;

  let rawHtml = typeof parsed.html === "string" && parsed.html.trim() !== "" ? parsed.html : null;
  let text = normalizeNewlines(parsed.text ?? "");
  if (raw !== null && (text.includes("\uFFFD") || rawHtml?.includes("\uFFFD"))) {
    const redecoded = undeclaredJapanese(parsed, raw);
    if (redecoded !== null) {
      if (rawHtml !== null) rawHtml = redecoded;
      else text = normalizeNewlines(redecoded);
    }
  }
  if (text.trim() === "" && rawHtml !== null) text = htmlToText(rawHtml);
  text = text.trim();
  const html = rawHtml === null ? null : sanitizeMailHtml(rawHtml);

  let deliveryStatus: string | null = null;
  const attachments: Attachment[] = [];
  let attachedMessage: Buffer | null = null;
  for (const part of parsed.attachments) {
    const contentType = part.contentType.toLowerCase();
    if (contentType === "message/delivery-status" || contentType === "message/global-delivery-status") {
      deliveryStatus = (deliveryStatus ?? "") + part.content.toString("utf8");
      continue;
    }
    if (contentType === "message/rfc822" && attachedMessage === null) attachedMessage = part.content;
    attachments.push({
      filename: part.filename ?? null,
      contentType,
      size: part.content.length,
      content: part.content,
    });
  }

  const contentType = headerValue(parsed, "content-type");
  const { kind, bouncedRecipient } = classifyMail({
    headers,
    fromAddress: from?.address ?? null,
    subject,
    contentType: contentType?.value.toLowerCase() ?? null,
    reportType: contentType?.params["report-type"]?.toLowerCase() ?? null,
    deliveryStatus,
  });

  let forwarded: ForwardedPart | null = null;
  const inline = findForwardedPart(text, subject);
  if (inline) forwarded = inline.part;
  else if (top && attachedMessage !== null && kind !== "bounce" && (isForwardSubject(subject) || text === "")) {
    // Outlook and Apple Mail can forward "as attachment": the whole mail inside
    const inner = await readParsed(await simpleParser(attachedMessage, PARSE_OPTIONS), null);
    forwarded = {
      from: inner.from?.address ?? null,
      subject: inner.subject,
      date: inner.date,
      text: inner.text,
      html: inner.html,
    };
  }

  const recipients = new Set<string>();
  for (const field of [parsed.to, parsed.cc]) for (const address of addresses(field)) recipients.add(address);
  for (const name of ["delivered-to", "x-original-to"]) {
    for (const value of headers.get(name) ?? []) {
      const address = addressIn(value);
      if (address) recipients.add(address);
    }
  }

  // mailparser fills a missing or empty Date with the time of parsing; such a mail has none
  const date =
    (headers.get("date")?.[0] ?? "") !== "" && parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null;
  return {
    messageId: messageIds(parsed.messageId)[0] ?? null,
    inReplyTo: messageIds(parsed.inReplyTo)[0] ?? null,
    references: messageIds(parsed.references),
    from,
    replyTo: firstAddress(parsed.replyTo)?.address ?? null,
    recipients: [...recipients],
    subject,
    date,
    text,
    displayText: trimReply(text),
    html,
    kind,
    bouncedRecipient,
    attachments,
    forwarded,
  };
}

/**
 * A single-part Japanese mail that names no charset (old phones, some web
 * forms) is read by mailparser as UTF-8 and comes out as U+FFFD. Its 8-bit
 * body is decoded again here, as the HTML's <meta> charset says or as its
 * bytes show (Shift_JIS has lead bytes EUC-JP never uses). Only then: the
 * common path never looks at the body twice.
 */
function undeclaredJapanese(parsed: ParsedMail, raw: Buffer): string | null {
  const contentType = headerValue(parsed, "content-type");
  if (contentType && (!/^text\/(?:plain|html)$/i.test(contentType.value) || contentType.params.charset)) return null;
  const encoding = String(parsed.headers.get("content-transfer-encoding") ?? "8bit").toLowerCase();
  if (!["7bit", "8bit", "binary"].includes(encoding)) return null;
  const headerEnd = raw.indexOf("\r\n\r\n");
  const bodyStart = headerEnd >= 0 ? headerEnd + 4 : raw.indexOf("\n\n") + 2;
  if (bodyStart < 2) return null;
  const body = raw.subarray(bodyStart);
  const meta = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(body.subarray(0, 4096).toString("latin1"))?.[1];
  const charset = meta ?? (hasShiftJisLeadBytes(body) ? "shift_jis" : "euc-jp");
  try {
    return new TextDecoder(charset, { fatal: true }).decode(body);
  } catch {
    return null;
  }
}

function hasShiftJisLeadBytes(body: Buffer): boolean {
  for (const byte of body) if (byte >= 0x81 && byte <= 0x9f && byte !== 0x8e && byte !== 0x8f) return true;
  return false;
}

/** Message ids without angle brackets, in order, each once. */
export function messageIds(value: string | string[] | undefined | null): string[] {
  if (!value) return [];
  const joined = Array.isArray(value) ? value.join(" ") : value;
  const ids: string[] = [];
  const bracketed = joined.match(/<[^<>]+>/g);
  const found = bracketed ? bracketed.map((id) => id.slice(1, -1)) : joined.split(/[\s,]+/);
  for (const id of found) {
    const bare = id.trim().replace(/\s+/g, "");
    if (bare !== "" && !ids.includes(bare)) ids.push(bare);
  }
  return ids;
}

function headerMap(parsed: ParsedMail): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { key, line } of parsed.headerLines) {
    const colon = line.indexOf(":");
    const value = (colon < 0 ? "" : line.slice(colon + 1)).replace(/\r?\n[ \t]+/g, " ").trim();
    const values = map.get(key);
    if (values) values.push(value);
    else map.set(key, [value]);
  }
  return map;
}

function headerValue(parsed: ParsedMail, name: string): { value: string; params: Record<string, string> } | null {
  const value: unknown = parsed.headers.get(name);
  if (value && typeof value === "object" && "value" in value && typeof value.value === "string") {
    const params = "params" in value && value.params && typeof value.params === "object" ? value.params : {};
    return { value: value.value, params: params as Record<string, string> };
  }
  return null;
}

function flatten(field: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  if (!field) return [];
  const list: EmailAddress[] = [];
  const walk = (entries: EmailAddress[]) => {
    for (const entry of entries) {
      if (entry.group) walk(entry.group);
      else list.push(entry);
    }
  };
  for (const object of Array.isArray(field) ? field : [field]) walk(object.value);
  return list;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  return flatten(field)
    .map((entry) => (entry.address ?? "").trim().toLowerCase())
    .filter((address) => address.includes("@"));
}

function firstAddress(field: AddressObject | AddressObject[] | undefined): ReadMail["from"] {
  const entry = flatten(field).find((e) => (e.address ?? "").includes("@"));
  if (!entry?.address) return null;
  return { address: entry.address.trim().toLowerCase(), name: entry.name?.trim() || null };
}

function normalizeNewlines(text: string): string {
  return text.indexOf("\r") < 0 ? text : text.replace(/\r\n?/g, "\n");
}
