// Inbound mail: raw RFC 822 (the SMTP receiver, POST /inbound/email) → the
// shop by its inbox+<key>@ or a conversation's reply+<token>@ address →
// readMail → an Etsy notification goes to the Etsy channel, any other mail to
// receiveMessage.
import { createHash } from "node:crypto";
import type { Db } from "../../db.server.ts";
import { shopOfRecipients } from "../inbox-address.server.ts";
import { readMail } from "../mail/read-mail.server.ts";
import { readEtsyNotification } from "../mail/etsy-notification.ts";
import { messageIdKey, receiveMessage } from "../receive-message.server.ts";
import type { Identity, IncomingMessage, ReadMail } from "../types.ts";
import { receiveEtsyNotification } from "./etsy.server.ts";

/** Largest inbound mail taken (SMTP SIZE and POST /inbound/email). */
export const MAX_INBOUND_MAIL_BYTES = 25 * 1024 * 1024;

export type RawMailResult =
  | {
      status: "stored";
      shop: string;
      channel: "email" | "etsy";
      conversationId: number;
      messageId: number;
      duplicate: boolean;
      opened: boolean;
    }
  /** Machine mail (auto-reply, bounce, list) that belongs to no conversation: kept nowhere. */
  | { status: "dropped"; shop: string; kind: ReadMail["kind"] }
  | { status: "unknown_address" }
  | { status: "unreadable" };

export interface Envelope {
  recipients: string[];
  from?: string;
}

/** A mail without a Message-ID is known by its bytes, so a second delivery is still stored once. */
function providerIdOf(mail: ReadMail, raw: Buffer): string {
  return (
    messageIdKey(mail.messageId) ?? `<sha256-${createHash("sha256").update(raw).digest("hex")}@no-message-id.invalid>`
  );
}

/** The mail as the inbox's incoming message (not Etsy's). */
export function incomingFromMail(mail: ReadMail, raw: Buffer, replyToken: string | null, now: Date): IncomingMessage {
  // A bounce is about the address that could not be reached, not the mailer daemon that sent it.
  const sender = mail.kind === "bounce" ? mail.bouncedRecipient : (mail.from?.address ?? null);
  const identities: Identity[] = sender ? [{ kind: "email", value: sender }] : [];
  return {
    channel: "email",
    providerMessageId: providerIdOf(mail, raw),
    identities,
    contactName: mail.kind === "message" ? (mail.from?.name ?? null) : null,
    subject: mail.subject,
    text: mail.displayText || mail.text,
    fullText: mail.text,
    html: mail.html,
    kind: mail.kind,
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    replyToken,
    fromAddress: mail.from?.address?.toLowerCase() ?? null,
    fromName: mail.from?.name ?? null,
    toAddress: mail.recipients[0] ?? null,
    receivedAt: now,
    attachments: mail.attachments,
    original: raw,
  };
}

function unreadable(mail: ReadMail): boolean {
  return !mail.from && !mail.messageId && !mail.subject && mail.recipients.length === 0;
}

/** One inbound mail into the shop's inbox. The shop comes from the recipients (envelope first, then headers). */
export async function receiveRawMail(
  db: Db,
  raw: Buffer,
  envelope: Envelope,
  options: { now?: Date } = {},
): Promise<RawMailResult> {
  if (raw.length === 0) return { status: "unreadable" };
  let mail: ReadMail;
  try {
    mail = await readMail(raw);
  } catch {
    return { status: "unreadable" };
  }
  if (unreadable(mail)) return { status: "unreadable" };
  const target = await shopOfRecipients(db, [...envelope.recipients, ...mail.recipients]);
  if (!target) return { status: "unknown_address" };
  const now = options.now ?? new Date();
  const etsy = readEtsyNotification(mail);
  if (etsy) {
    const result = await receiveEtsyNotification(db, target.shop, etsy, {
      providerMessageId: providerIdOf(mail, raw),
      original: raw,
      receivedAt: now,
    });
    return { status: "stored", shop: target.shop, channel: "etsy", ...result };
  }
  const result = await receiveMessage(db, target.shop, incomingFromMail(mail, raw, target.replyToken, now));
  if (result.dropped) return { status: "dropped", shop: target.shop, kind: mail.kind };
  return {
    status: "stored",
    shop: target.shop,
    channel: "email",
    conversationId: result.conversationId,
    messageId: result.messageId,
    duplicate: result.duplicate,
    opened: result.opened,
  };
}
