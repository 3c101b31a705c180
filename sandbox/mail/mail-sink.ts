// A real SMTP server that keeps what the app sends, so notices are tested over
// the same SMTP path production uses (nodemailer → SMTP_URL), never a mock.
// No TLS and no required auth: it listens on loopback only. Credentials in
// SMTP_URL are accepted and ignored, so the app's URL needs no sandbox special case.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { simpleParser, type AddressObject, type HeaderValue, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerAddress } from "smtp-server";

export interface SinkMessage {
  /** Sequential per sink, used in page URLs (`/mail/<id>`). */
  id: string;
  receivedAt: string;
  /** What the client said in MAIL FROM / RCPT TO (Bcc recipients only show here). */
  envelope: { from: string | null; to: string[] };
  messageId: string | null;
  from: string;
  to: string;
  cc: string;
  subject: string;
  /** Header name (lower case) → decoded value; repeated headers are joined with "\n". */
  headers: Record<string, string>;
  text: string | null;
  html: string | null;
  attachments: { filename: string | null; contentType: string; size: number }[];
  /** The message source as received (CRLF line ends). */
  raw: string;
}

export interface MailSinkOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Larger messages are refused with 552, as a real server would. */
  maxMessageBytes?: number;
  /** The sink keeps the newest messages only, so a benchmark of 100,000 sends stays small. */
  maxMessages?: number;
}

export interface MailSink {
  /** `smtp://127.0.0.1:<port>` — the app's SMTP_URL. */
  url: string;
  port: number;
  /** Kept messages, oldest first. */
  messages(): Promise<SinkMessage[]>;
  message(id: string): Promise<SinkMessage | undefined>;
  /** Messages accepted since start or the last clear(), including ones no longer kept. */
  received(): number;
  /** The first kept or future message that matches; rejects after timeoutMs. */
  waitFor(predicate: (message: SinkMessage) => boolean, timeoutMs?: number): Promise<SinkMessage>;
  clear(): void;
  close(): Promise<void>;
}

/** A message as received; parsed on first read, so a benchmark's 100,000 sends cost no parsing. */
interface Stored {
  id: string;
  receivedAt: string;
  envelope: SinkMessage["envelope"];
  raw: Buffer;
  parsed?: Promise<SinkMessage>;
}

const DEFAULT_MAX_BYTES = 25 * 1024 * 1024;
const DEFAULT_MAX_MESSAGES = 10_000;
// The sink shows the parts as sent: no derived text from HTML, no generated HTML from text.
const PARSE_OPTIONS = { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true };

export async function startMailSink(options: MailSinkOptions = {}): Promise<MailSink> {
  const host = options.host ?? "127.0.0.1";
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_BYTES;
  const maxMessages = options.maxMessages ?? DEFAULT_MAX_MESSAGES;
  let kept: Stored[] = [];
  let count = 0;
  let nextId = 1;
  const waiters = new Set<(stored: Stored) => void>();

  function keep(stored: Stored): void {
    kept.push(stored);
    count += 1;
    if (kept.length > maxMessages) kept = kept.slice(-maxMessages);
    for (const waiter of [...waiters]) waiter(stored);
  }

  const server = new SMTPServer({
    name: "kizuna-mail-sink",
    banner: "Kizuna sandbox mail sink",
    size: maxBytes,
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth: (_auth, _session, callback) => callback(null, { user: "sandbox" }),
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (error) => callback(error));
      stream.on("end", () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error("552 message exceeds the sink's size limit"), { responseCode: 552 }));
          return;
        }
        keep({
          id: String(nextId++),
          receivedAt: new Date().toISOString(),
          envelope: {
            from: envelopeAddress(session.envelope.mailFrom),
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
          },
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });

  // A client that vanishes mid-session (a worker killed while sending) resets its socket: not the sink's failure.
  server.on("error", () => undefined);
  server.listen(options.port ?? 0, host);
  await once(server.server, "listening");
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://${host}:${port}`,
    port,
    messages: () => Promise.all(kept.map(parse)),
    async message(id) {
      const stored = kept.find((item) => item.id === id);
      return stored ? parse(stored) : undefined;
    },
    received: () => count,
    waitFor(predicate, timeoutMs = 5_000) {
      return new Promise<SinkMessage>((resolve, reject) => {
        let settled = false;
        const test = (stored: Stored) =>
          parse(stored).then((message) => {
            if (settled || !predicate(message)) return;
            finish();
            resolve(message);
          }, reject);
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`mail sink: no matching message within ${timeoutMs} ms (${kept.length} kept)`));
        }, timeoutMs);
        const finish = () => {
          settled = true;
          clearTimeout(timer);
          waiters.delete(test);
        };
        // Listen before looking back, so a message arriving meanwhile is not missed;
        // look back in order, so the first match wins.
        waiters.add(test);
        void (async () => {
          for (const stored of [...kept]) if (!settled) await test(stored);
        })();
      });
    },
    clear() {
      kept = [];
      count = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function parse(stored: Stored): Promise<SinkMessage> {
  stored.parsed ??= simpleParser(stored.raw, PARSE_OPTIONS).then((parsed) => toSinkMessage(stored, parsed));
  return stored.parsed;
}

function toSinkMessage(stored: Stored, parsed: ParsedMail): SinkMessage {
  return {
    id: stored.id,
    receivedAt: stored.receivedAt,
    envelope: stored.envelope,
    messageId: parsed.messageId ?? null,
    from: addressText(parsed.from),
    to: addressText(parsed.to),
    cc: addressText(parsed.cc),
    subject: parsed.subject ?? "",
    headers: headerRecord(parsed),
    text: parsed.text ?? null,
    html: typeof parsed.html === "string" ? parsed.html : null,
    attachments: parsed.attachments.map((attachment) => ({
      filename: attachment.filename ?? null,
      contentType: attachment.contentType,
      size: attachment.size,
    })),
    raw: stored.raw.toString("utf8"),
  };
}

function envelopeAddress(address: SMTPServerAddress | false): string | null {
  return address ? address.address : null;
}

function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return "";
  return (Array.isArray(value) ? value : [value]).map((item) => item.text).join(", ");
}

/**
 * Header values as a person reads them: mailparser's decoded value when it is
 * plain text (RFC 2047 words decoded), else the raw line unfolded. Raw lines
 * keep List-Unsubscribe as sent (mailparser turns it into a structure).
 */
function headerRecord(parsed: ParsedMail): Record<string, string> {
  const record: Record<string, string> = {};
  const seen = new Map<string, number>();
  for (const { key, line } of parsed.headerLines) {
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    const value = decodedValue(parsed.headers.get(key), occurrence) ?? unfold(line.slice(line.indexOf(":") + 1));
    record[key] = key in record ? `${record[key]}\n${value}` : value;
  }
  return record;
}

function decodedValue(value: HeaderValue | undefined, occurrence: number): string | undefined {
  // mailparser keeps one value for a repeated header: only trust it for the first.
  if (occurrence > 0) return undefined;
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && "text" in value && typeof value.text === "string") return value.text;
  return undefined;
}

function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]+/g, " ").trim();
}
