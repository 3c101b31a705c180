// The one interface every inbox channel implements (ADR 0014): how a reply is
// addressed and sent. Receiving lives beside it in each channel's module
// (a delivery becomes IncomingMessages for receiveMessage). Adding a channel is
// one module and one line in channels/index.server.ts.
import type { Db } from "../../db.server.ts";
import type { Mailer } from "../../notices/mailer.server.ts";
import type { SmsProvider } from "../../notices/sms.server.ts";
import type { Channel } from "../types.ts";

/** What sending needs from outside: the mailer and SMS provider (their modules own SMTP and SMS), clocks, addresses. */
export interface InboxDeps {
  mailer: Mailer;
  sms: SmsProvider | null;
  now(): Date;
  /** The app's public URL (the default sender's host). */
  publicUrl: string;
  /** MAIL_FROM: the From address of every mail (the shop is its display name). */
  senderAddress?: string;
  /** Where reply+<token>@… and inbox+<key>@… live. */
  inboundDomain: string;
}

export interface ReplyDraft {
  shop: string;
  conversation: {
    id: number;
    channel: string;
    subject: string | null;
    replyToken: string;
    contactId: number;
    etsyUrl: string | null;
  };
  text: string;
}

/** What a reply is stored with before it is sent (our own Message-ID for mail, so an answer threads at once). */
export interface PreparedReply {
  toAddress: string | null;
  subject: string | null;
  providerMessageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** "queued": send now; "to_send": the seller sends it elsewhere (Etsy) and marks it sent. */
  status: "queued" | "to_send";
}

export interface StoredReply {
  id: number;
  shop: string;
  conversationId: number;
  text: string;
  html: string | null;
  toAddress: string | null;
  subject: string | null;
  providerMessageId: string | null;
  inReplyTo: string | null;
  references: string[];
  replyToken: string;
}

export interface ChannelAdapter {
  channel: Channel;
  prepare(db: Db, deps: InboxDeps, draft: ReplyDraft): Promise<PreparedReply>;
  /** Sends a stored reply; resolves the provider's id when it gives one (an SMS sid). Throws when it fails. */
  send(db: Db, deps: InboxDeps, reply: StoredReply): Promise<{ providerMessageId: string | null }>;
}

/** The last address the contact wrote from on this channel, else one of the contact's identities of `kind`. */
export async function contactAddress(
  db: Db,
  shop: string,
  conversation: { id: number; contactId: number },
  kind: "email" | "phone",
): Promise<string | null> {
  const last = await db.message.findFirst({
    where: {
      shop,
      conversationId: conversation.id,
      direction: "incoming",
      kind: "message",
      fromAddress: { not: null },
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { fromAddress: true },
  });
  if (last?.fromAddress) return last.fromAddress;
  const identity = await db.contactIdentity.findFirst({
    where: { shop, contactId: conversation.contactId, kind },
    orderBy: { id: "asc" },
    select: { value: true },
  });
  return identity?.value ?? null;
}
