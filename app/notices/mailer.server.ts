// The email channel: one small interface, one SMTP implementation (nodemailer's
// SMTP connection, pooled in smtp-pool.server.ts). Header fields are checked
// here, at the last step before the wire. The MIME of a plain message (ASCII
// addresses, text + HTML) is written here: nodemailer's composer (streams per
// part, per header) cost more CPU than the SMTP exchange itself. Anything else
// (an address outside ASCII) goes through the composer.
import { randomBytes } from "node:crypto";
import MailComposer from "nodemailer/lib/mail-composer";
import { env } from "../env.server.ts";
import { createSmtpPool, type SmtpEnvelope } from "./smtp-pool.server.ts";

export interface MailMessage {
  from: { name: string; address: string };
  to: { name?: string | null; address: string };
  subject: string;
  text: string;
  html: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
  /** Stable per notice, so a resend can be recognised downstream. */
  messageId?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
  close?(): void;
}

export class HeaderInjectionError extends Error {
  constructor(field: string) {
    super(`Email ${field} contains a line break; refusing to send (possible header injection).`);
    this.name = "HeaderInjectionError";
  }
}

const LINE_BREAK = /[\r\n\u2028\u2029\0]/;
const ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/;

/** Throws HeaderInjectionError for CR/LF in any header value, and a clear error for a malformed address. */
export function assertSafeHeaders(message: MailMessage): void {
  const fields: [string, string | null | undefined][] = [
    ["sender name", message.from.name],
    ["sender address", message.from.address],
    ["recipient name", message.to.name],
    ["recipient address", message.to.address],
    ["subject", message.subject],
    ...Object.entries(message.headers ?? {}).map(([name, value]): [string, string] => [`header ${name}`, name + value]),
  ];
  for (const [field, value] of fields) if (value && LINE_BREAK.test(value)) throw new HeaderInjectionError(field);
  if (!ADDRESS.test(message.from.address)) throw new Error(`Sender address "${message.from.address}" is not valid.`);
  if (!ADDRESS.test(message.to.address)) throw new Error(`Recipient address "${message.to.address}" is not valid.`);
}

/** SMTP connections a mailer keeps open: sends beyond that wait their turn. */
export const SMTP_POOL_CONNECTIONS = 5;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** Characters that make an ASCII display name need quotes (RFC 5322 specials). */
const SPECIALS = /[()<>[\]:;@\\,."]/;

/** RFC 2047 encoded words of at most 75 characters, folded; plain text when it is printable ASCII. */
export function encodeHeaderText(text: string): string {
  if (PRINTABLE_ASCII.test(text) && !/=\?/.test(text) && text.length <= 900) return text;
  const words: string[] = [];
  let chunk = "";
  for (const char of text) {
    // 45 bytes of UTF-8 → 60 base64 characters + 12 of =?UTF-8?B?…?= (whole characters only).
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = "";
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word).toString("base64")}?=`).join("\r\n ");
}

/**
 * A name as a From display name: a shop's name is the seller's free text, so
 * line breaks and other control characters become spaces (they could start a
 * new header), runs of space fold, and it is cut to 64 characters. Quotes and
 * commas stay: mailbox() quotes or encodes them.
 */
export function senderDisplayName(name: string): string {
  const flat = name
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return [...flat].slice(0, 64).join("").trim();
}

function mailbox(address: string, name?: string | null): string {
  if (!name) return address;
  // A printable ASCII name that looks like an encoded word is encoded too, so it is shown as written.
  const shown =
    PRINTABLE_ASCII.test(name) && !name.includes("=?")
      ? SPECIALS.test(name)
        ? `"${name.replace(/(["\\])/g, "\\$1")}"`
        : name
      : encodeHeaderText(name);
  return `${shown} <${address}>`;
}

/** Base64 in lines of 76 characters. */
function base64Body(text: string): string {
  const encoded = Buffer.from(text).toString("base64");
  const lines: string[] = [];
  for (let index = 0; index < encoded.length; index += 76) lines.push(encoded.slice(index, index + 76));
  return lines.join("\r\n");
}

/** Part boundaries: unique per message without asking the OS for randomness each time (a syscall per mail). */
const BOUNDARY_PREFIX = `--_kizuna_${randomBytes(8).toString("hex")}_`;
let boundaries = 0;

const crlf = (text: string) => text.replace(/\r?\n/g, "\r\n");

/**
 * The message as MIME (multipart/alternative: text, then HTML), or null when
 * it needs nodemailer's composer (an address outside printable ASCII).
 */
export function composeMime(message: MailMessage, messageId: string, date = new Date()): string | null {
  const addresses = [message.from.address, message.to.address];
  if (!addresses.every((address) => PRINTABLE_ASCII.test(address))) return null;
  const headers = [
    `From: ${mailbox(message.from.address, message.from.name)}`,
    `To: ${mailbox(message.to.address, message.to.name)}`,
    `Subject: ${encodeHeaderText(message.subject)}`,
    `Message-ID: ${messageId}`,
    `Date: ${date.toUTCString().replace(/GMT$/, "+0000")}`,
    "MIME-Version: 1.0",
  ];
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    // Header names are checked (no colon, no space); URLs such as List-Unsubscribe's stay as they are.
    if (!/^[!-9;-~]+$/.test(name) || value.length > 990) return null;
    headers.push(`${name}: ${PRINTABLE_ASCII.test(value) ? value : encodeHeaderText(value)}`);
  }
  const part = (type: string, body: string) =>
    `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Body(crlf(body))}\r\n`;
  if (!message.html) return `${headers.join("\r\n")}\r\n${part("text/plain", message.text)}`;
  boundaries = (boundaries + 1) % Number.MAX_SAFE_INTEGER;
  const boundary = `${BOUNDARY_PREFIX}${boundaries}`;
  return (
    `${headers.join("\r\n")}\r\nContent-Type: multipart/alternative; boundary="${boundary}"\r\n\r\n` +
    `--${boundary}\r\n${part("text/plain", message.text)}` +
    `--${boundary}\r\n${part("text/html", message.html)}` +
    `--${boundary}--\r\n`
  );
}

/** The message through nodemailer's composer: its MIME and its envelope (international addresses). */
async function composed(message: MailMessage, messageId: string): Promise<{ envelope: SmtpEnvelope; raw: Buffer }> {
  const node = new MailComposer({
    from: { name: message.from.name, address: message.from.address },
    to: message.to.name ? { name: message.to.name, address: message.to.address } : message.to.address,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: message.headers ?? {},
    messageId,
  }).compile();
  const envelope = node.getEnvelope();
  const raw = await new Promise<Buffer>((resolve, reject) =>
    node.build((error, built) => (error ? reject(error) : resolve(built))),
  );
  return { envelope: { from: envelope.from || message.from.address, to: envelope.to }, raw };
}

// SMTP_URL is read and checked in env.server.ts, with the rest of the configuration.
export function createSmtpMailer(url: string = env().SMTP_URL, options: { connections?: number } = {}): Mailer {
  const pool = createSmtpPool(url, {
    connections: options.connections ?? SMTP_POOL_CONNECTIONS,
    // A connection is replaced after this many messages, and closed after 5 s without one.
    maxMessages: 1_000,
    idleMs: 5_000,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const host = (() => {
    try {
      return new URL(url).hostname || "kizuna.local";
    } catch {
      return "kizuna.local";
    }
  })();
  return {
    async send(message) {
      assertSafeHeaders(message);
      const messageId = message.messageId ?? `<${randomBytes(16).toString("hex")}@${host}>`;
      const raw = composeMime(message, messageId);
      if (raw) await pool.send({ from: message.from.address, to: [message.to.address] }, raw);
      else {
        const mail = await composed(message, messageId);
        await pool.send(mail.envelope, mail.raw);
      }
      return { messageId };
    },
    close: () => pool.close(),
  };
}
