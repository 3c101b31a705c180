// The SMS channel. In: the provider's signed webhook (notices.sms-inbound,
// which handles STOP/START first) hands every other text here. Out: a reply
// through the notices' SMS provider (sms.server.ts owns the provider).
import type { Db } from "../../db.server.ts";
import { InboxError } from "../inbox-error.server.ts";
import { receiveMessage, type ReceiveResult } from "../receive-message.server.ts";
import { contactAddress, type ChannelAdapter } from "./channel.server.ts";

export const smsChannel: ChannelAdapter = {
  channel: "sms",
  async prepare(db, _deps, { shop, conversation }) {
    return {
      toAddress: await contactAddress(db, shop, conversation, "phone"),
      subject: null,
      providerMessageId: null,
      inReplyTo: null,
      references: [],
      status: "queued",
    };
  },
  async send(_db, deps, reply) {
    if (!deps.sms) throw new InboxError("unavailable", "SMS is not configured.");
    if (!reply.toAddress) throw new Error("The contact has no phone number.");
    const sent = await deps.sms.send({ to: reply.toAddress, body: reply.text });
    return { providerMessageId: sent.messageId };
  },
};

export interface InboundSms {
  from: string;
  body: string;
  /** The provider's message sid: a redelivered webhook is stored once. */
  sid: string | null;
  receivedAt?: Date;
}

/** An inbound text (not STOP/START) into the shop's inbox. */
export async function receiveSms(db: Db, shop: string, sms: InboundSms): Promise<ReceiveResult> {
  return receiveMessage(db, shop, {
    channel: "sms",
    providerMessageId: sms.sid,
    identities: [{ kind: "phone", value: sms.from }],
    text: sms.body,
    fullText: sms.body,
    kind: "message",
    fromAddress: sms.from,
    receivedAt: sms.receivedAt ?? new Date(),
  });
}

/**
 * The shop a text to the app's one shared number is for: the shop that last
 * texted that number (its notices), or null when none has.
 */
export async function shopOfSmsSender(db: Db, from: string): Promise<string | null> {
  const notice = await db.notice.findFirst({
    where: { channel: "sms", recipient: from },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { shop: true },
  });
  if (notice) return notice.shop;
  const conversation = await db.conversation.findFirst({
    where: { channel: "sms", contactId: { in: await contactIdsOfPhone(db, from) } },
    orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
    select: { shop: true },
  });
  return conversation?.shop ?? null;
}

async function contactIdsOfPhone(db: Db, phone: string): Promise<number[]> {
  const rows = await db.contactIdentity.findMany({
    where: { kind: "phone", value: phone },
    select: { contactId: true },
    take: 50,
  });
  return rows.map((row) => row.contactId);
}
