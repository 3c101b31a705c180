// The email channel: one small interface, one SMTP implementation (nodemailer).
// Header fields are checked here, at the last step before the wire.
import nodemailer from "nodemailer";
import { z } from "zod";

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

const SmtpUrl = z
  .string()
  .default("smtp://127.0.0.1:2525")
  .refine(
    (value) => /^smtps?:\/\/[^/\s]+/.test(value),
    "SMTP_URL must look like smtp://host:port or smtps://user:pass@host:465",
  );

/** SMTP_URL from the environment (default smtp://127.0.0.1:2525, the sandbox's mail sink). */
export function smtpUrlFromEnv(source: Record<string, string | undefined> = process.env): string {
  const parsed = SmtpUrl.safeParse(source.SMTP_URL || undefined);
  if (!parsed.success) throw new Error(`Kizuna cannot send email: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export function createSmtpMailer(url: string = smtpUrlFromEnv()): Mailer {
  const transport = nodemailer.createTransport(url, {
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as never);
  return {
    async send(message) {
      assertSafeHeaders(message);
      const info = await transport.sendMail({
        from: { name: message.from.name, address: message.from.address },
        to: message.to.name ? { name: message.to.name, address: message.to.address } : message.to.address,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: message.headers ?? {},
        ...(message.messageId ? { messageId: message.messageId } : {}),
      });
      return { messageId: String(info.messageId ?? "") };
    },
    close: () => transport.close(),
  };
}
