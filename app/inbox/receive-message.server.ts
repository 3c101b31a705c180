// receiveMessage: one message from any channel into the inbox (ADR 0014).
// Deduped on (shop, channel, providerMessageId) by the unique index: a second
// delivery, even a concurrent one, finds the first. Threaded by the reply
// address, then Message-ID references (ours and our notices' included), then
// the sender's open conversation — never by subject. Mail nobody wrote by hand
// (auto-reply, bounce, list) is kept only on a conversation it belongs to: it
// never opens one and never counts as the customer's reply.
import type { Db } from "../db.server.ts";
import { inTransaction, type Tx } from "../mirror/write.server.ts";
import { sanitizeMailHtml } from "./mail/mail-html.server.ts";
import { findContact, findOrMakeContact, refreshConversationSearch } from "./contacts.server.ts";
import { newReplyToken } from "./inbox-address.server.ts";
import type { Attachment, IncomingMessage, MessageKind, ReceivedMessage } from "./types.ts";

/** Mail nobody wrote by hand: shown, never a customer reply, never opens a conversation. */
export const MACHINE_KINDS: ReadonlySet<MessageKind> = new Set(["auto_reply", "bounce", "list"]);

/** The sender's last email conversation is continued only this long after its last message. */
export const EMAIL_CONTINUE_DAYS = 14;

/** Attachment types kept; anything else keeps a row that says it was refused. */
export const ATTACHMENT_TYPES: ReadonlySet<string> = new Set([
  "image/jpeg",
  "image/png",
  "image/gif",
  "image/webp",
  "image/heic",
  "image/heif",
  "application/pdf",
  "text/plain",
  "text/csv",
]);
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** All kept attachments of one message together. */
export const MAX_MESSAGE_ATTACHMENT_BYTES = 20 * 1024 * 1024;
export const MAX_ATTACHMENTS = 20;

export interface DroppedMessage {
  dropped: true;
  /** Machine mail (auto-reply, bounce, list) that belongs to no conversation. */
  reason: "not_threaded";
  conversationId: null;
  messageId: null;
  contactId: number | null;
  duplicate: false;
  opened: false;
}

export type ReceiveResult = (ReceivedMessage & { dropped: false }) | DroppedMessage;

/** A Message-ID as stored: `<id>` (angle brackets added when missing), or null when empty. */
export function messageIdKey(id: string | null | undefined): string | null {
  const inner = (id ?? "")
    .trim()
    .replace(/^<+|>+$/g, "")
    .trim();
  if (!inner || inner.length > 900 || /[\s<>]/.test(inner)) return null;
  return `<${inner}>`;
}

type ConversationRow = NonNullable<Awaited<ReturnType<Tx["conversation"]["findFirst"]>>>;

interface Threaded {
  conversation: ConversationRow | null;
  /** The order the thread turned out to be about (a reply to a notice of that order). */
  orderId: string | null;
}

/** The references a reply names, most recent first: In-Reply-To, then References from the end. */
function referencesOf(incoming: IncomingMessage): string[] {
  const keys = [incoming.inReplyTo, ...[...(incoming.references ?? [])].reverse()]
    .map(messageIdKey)
    .filter((key): key is string => key !== null);
  return [...new Set(keys)].slice(0, 50);
}

/** Threading that needs no contact: reply address, Etsy conversation link, Message-ID references. */
async function threadByLinks(tx: Tx, shop: string, incoming: IncomingMessage): Promise<Threaded> {
  if (incoming.replyToken) {
    const conversation = await tx.conversation.findFirst({
      where: { shop, replyToken: incoming.replyToken.toLowerCase() },
    });
    if (conversation) return { conversation, orderId: null };
  }
  if (incoming.etsyUrl) {
    const conversation = await tx.conversation.findFirst({
      where: { shop, channel: "etsy", etsyUrl: incoming.etsyUrl },
      orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
    });
    if (conversation) return { conversation, orderId: null };
  }
  const references = referencesOf(incoming);
  if (references.length > 0) {
    const messages = await tx.message.findMany({
      where: { shop, providerMessageId: { in: references } },
      select: { providerMessageId: true, conversationId: true },
    });
    for (const reference of references) {
      const message = messages.find((row) => row.providerMessageId === reference);
      if (!message) continue;
      const conversation = await tx.conversation.findFirst({ where: { shop, id: message.conversationId } });
      if (conversation) return { conversation, orderId: null };
    }
    const notices = await tx.notice.findMany({
      where: { shop, channel: "email", providerMessageId: { in: references } },
      select: { providerMessageId: true, orderId: true },
    });
    for (const reference of references) {
      const notice = notices.find((row) => row.providerMessageId === reference);
      if (notice?.orderId) return { conversation: null, orderId: notice.orderId };
    }
  }
  return { conversation: null, orderId: null };
}

const OPEN_STATUSES = ["open", "waiting", "snoozed"];

/** Threading by the sender: their open conversation about the order, else their latest one on the channel. */
async function threadBySender(
  tx: Tx,
  shop: string,
  incoming: IncomingMessage,
  contactId: number,
  orderId: string | null,
): Promise<ConversationRow | null> {
  const mine = { shop, contactId, channel: incoming.channel, status: { in: OPEN_STATUSES } };
  const newestFirst = [{ lastMessageAt: "desc" as const }, { id: "desc" as const }];
  if (orderId) {
    const about = await tx.conversation.findFirst({ where: { ...mine, orderId }, orderBy: newestFirst });
    if (about) return about;
  }
  const since =
    incoming.channel === "email"
      ? new Date(incoming.receivedAt.getTime() - EMAIL_CONTINUE_DAYS * 24 * 60 * 60 * 1000)
      : null;
  const latest = await tx.conversation.findFirst({
    where: { ...mine, ...(since ? { lastMessageAt: { gte: since } } : {}) },
    orderBy: newestFirst,
  });
  // A message about another order starts its own conversation.
  if (latest && orderId && latest.orderId && latest.orderId !== orderId) return null;
  return latest;
}

/** The order's open conversation on the channel (the sender's first), for a reply to one of its notices. */
async function conversationOfOrder(
  tx: Tx,
  shop: string,
  channel: string,
  orderId: string,
  contactId: number | null,
): Promise<ConversationRow | null> {
  const where = { shop, channel, orderId, status: { in: OPEN_STATUSES } };
  const newestFirst = [{ lastMessageAt: "desc" as const }, { id: "desc" as const }];
  if (contactId !== null) {
    const theirs = await tx.conversation.findFirst({ where: { ...where, contactId }, orderBy: newestFirst });
    if (theirs) return theirs;
  }
  return tx.conversation.findFirst({ where, orderBy: newestFirst });
}

interface AttachmentRow {
  filename: string | null;
  contentType: string;
  size: number;
  data: Uint8Array<ArrayBuffer> | null;
  refused: string | null;
}

/** Each attachment kept or refused (type, size, count); a refused one keeps its row without data. */
export function screenAttachments(attachments: readonly Attachment[]): AttachmentRow[] {
  let total = 0;
  return attachments.map((attachment, index) => {
    const contentType = (attachment.contentType || "application/octet-stream").toLowerCase().split(";")[0]!.trim();
    const size = attachment.size || attachment.content.length;
    const filename = attachment.filename?.slice(0, 255) ?? null;
    let refused: string | null = null;
    if (index >= MAX_ATTACHMENTS) refused = "too_many";
    else if (!ATTACHMENT_TYPES.has(contentType)) refused = "type";
    else if (size > MAX_ATTACHMENT_BYTES) refused = "size";
    else if (total + size > MAX_MESSAGE_ATTACHMENT_BYTES) refused = "total_size";
    if (refused) return { filename, contentType: contentType.slice(0, 127), size, data: null, refused };
    total += size;
    return { filename, contentType, size, data: new Uint8Array(attachment.content), refused: null };
  });
}

/** Stores one incoming message in its conversation; see the module comment for the rules. */
export async function receiveMessage(db: Db, shop: string, incoming: IncomingMessage): Promise<ReceiveResult> {
  const email = incoming.channel === "email";
  const providerMessageId = email
    ? messageIdKey(incoming.providerMessageId)
    : incoming.providerMessageId?.trim().slice(0, 900) || null;
  const machine = MACHINE_KINDS.has(incoming.kind);
  // Other channels' HTML is sanitized here; mail's was when it was read (readMail).
  const html = incoming.html ? (email ? incoming.html : sanitizeMailHtml(incoming.html)) : null;
  const attachments = screenAttachments(incoming.attachments ?? []);

  return inTransaction(db, async (tx): Promise<ReceiveResult> => {
    if (providerMessageId) {
      const stored = await tx.message.findUnique({
        where: { shop_channel_providerMessageId: { shop, channel: incoming.channel, providerMessageId } },
        select: { id: true, conversationId: true },
      });
      if (stored) {
        const conversation = await tx.conversation.findFirst({
          where: { shop, id: stored.conversationId },
          select: { contactId: true },
        });
        return {
          dropped: false,
          conversationId: stored.conversationId,
          messageId: stored.id,
          contactId: conversation?.contactId ?? 0,
          duplicate: true,
          opened: false,
        };
      }
    }

    const linked = await threadByLinks(tx, shop, incoming);
    let conversation = linked.conversation;
    const orderId = linked.orderId ?? incoming.orderId ?? null;
    let contactId: number | null = conversation?.contactId ?? null;
    if (!conversation) {
      // Machine mail joins a contact that exists; it makes no contacts of mailer daemons.
      contactId = machine
        ? await findContact(tx, shop, incoming.identities)
        : await findOrMakeContact(tx, shop, {
            identities: incoming.identities,
            name: incoming.contactName ?? incoming.fromName ?? null,
            locale: incoming.locale ?? null,
          });
      if (contactId !== null) {
        conversation = linked.orderId
          ? await conversationOfOrder(tx, shop, incoming.channel, linked.orderId, contactId)
          : await threadBySender(tx, shop, incoming, contactId, orderId);
      } else if (linked.orderId) {
        conversation = await conversationOfOrder(tx, shop, incoming.channel, linked.orderId, null);
      }
    }
    if (!conversation && machine) {
      return {
        dropped: true,
        reason: "not_threaded",
        conversationId: null,
        messageId: null,
        contactId,
        duplicate: false,
        opened: false,
      };
    }

    const at = incoming.receivedAt;
    const opened = !conversation;
    let searchChanged = opened;
    if (!conversation) {
      conversation = await tx.conversation.create({
        data: {
          shop,
          contactId: contactId!,
          channel: incoming.channel,
          status: "open",
          subject: incoming.subject?.slice(0, 500) ?? null,
          orderId,
          replyToken: newReplyToken(),
          etsyUrl: incoming.etsyUrl ?? null,
          waitingSince: at,
          firstMessageAt: at,
          lastMessageAt: at,
          unread: 1,
        },
      });
    } else {
      const data: Parameters<Tx["conversation"]["update"]>[0]["data"] = {
        unread: { increment: 1 },
        lastMessageAt: at > conversation.lastMessageAt ? at : conversation.lastMessageAt,
      };
      if (!conversation.firstMessageAt) data.firstMessageAt = at;
      if (!conversation.orderId && orderId) {
        data.orderId = orderId;
        searchChanged = true;
      }
      if (!conversation.subject && incoming.subject) {
        data.subject = incoming.subject.slice(0, 500);
        searchChanged = true;
      }
      if (!conversation.etsyUrl && incoming.etsyUrl) data.etsyUrl = incoming.etsyUrl;
      if (!machine) {
        // The customer has the last word again: open, waiting for an answer since the first unanswered message.
        data.status = "open";
        data.snoozedUntil = null;
        data.resolvedAt = null;
        if (!conversation.waitingSince) data.waitingSince = at;
      }
      await tx.conversation.update({ where: { id: conversation.id }, data });
    }

    const message = await tx.message.create({
      data: {
        shop,
        conversationId: conversation.id,
        direction: "incoming",
        kind: incoming.kind,
        channel: incoming.channel,
        providerMessageId,
        inReplyTo: email ? messageIdKey(incoming.inReplyTo) : (incoming.inReplyTo ?? null),
        references: JSON.stringify(
          (incoming.references ?? [])
            .map((id) => (email ? messageIdKey(id) : id))
            .filter(Boolean)
            .slice(-50),
        ),
        fromAddress: incoming.fromAddress?.slice(0, 320) ?? null,
        fromName: incoming.fromName?.slice(0, 200) ?? null,
        toAddress: incoming.toAddress?.slice(0, 320) ?? null,
        subject: incoming.subject?.slice(0, 500) ?? null,
        text: incoming.text,
        fullText: incoming.fullText ?? null,
        html,
        author: machine ? null : "customer",
        createdAt: at,
      },
      select: { id: true },
    });
    if (incoming.original)
      await tx.messageOriginal.create({
        data: { messageId: message.id, shop, data: new Uint8Array(incoming.original) },
      });
    if (attachments.length > 0)
      await tx.messageAttachment.createMany({
        data: attachments.map((row) => ({ shop, messageId: message.id, ...row })),
      });
    if (searchChanged) await refreshConversationSearch(tx, shop, conversation.id);
    return {
      dropped: false,
      conversationId: conversation.id,
      messageId: message.id,
      contactId: conversation.contactId,
      duplicate: false,
      opened,
    };
  });
}
