// receiveMessage: one message from any channel into the inbox (ADR 0014).
// Deduped on (shop, channel, providerMessageId) by the unique index: a second
// delivery, even a concurrent one, finds the first. Threaded by the reply
// address, then Message-ID references (ours and our notices' included), then
// the sender's open conversation — never by subject. Mail nobody wrote by hand
// (auto-reply, bounce, list) is kept only on a conversation it belongs to: it
// never opens one and never counts as the customer's reply.
import type { Dialect } from "../database/sql-json.server.ts";
import { dialectOf, type Db } from "../db.server.ts";
import { inTransaction, type Tx } from "../mirror/write.server.ts";
import { sanitizeMailHtml } from "./mail/mail-html.server.ts";
import {
  conversationSearchText,
  findContact,
  normalizedIdentities,
  refreshConversationSearch,
  resolveContact,
  type ResolvedContact,
} from "./contacts.server.ts";
import { newReplyToken } from "./inbox-address.server.ts";
import {
  insertMessage,
  insertOriginal,
  knownSender,
  openConversationOf,
  touchConversation,
  type SenderConversation,
} from "./store-sql.server.ts";
import type { Attachment, Channel, IncomingMessage, MessageKind, ReceivedMessage } from "./types.ts";

/** Mail nobody wrote by hand: shown, never a customer reply, never opens a conversation. */
const CHANNEL_NAMES: readonly Channel[] = ["email", "sms", "order_page", "etsy"];

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

/** What threading needs of a conversation. */
type ConversationRow = SenderConversation;

const threadFields = { id: true, contactId: true, orderId: true, subject: true, etsyUrl: true } as const;

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
      select: threadFields,
    });
    if (conversation) return { conversation, orderId: null };
  }
  if (incoming.etsyUrl) {
    const conversation = await tx.conversation.findFirst({
      where: { shop, channel: "etsy", etsyUrl: incoming.etsyUrl },
      orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
      select: threadFields,
    });
    if (conversation) return { conversation, orderId: null };
  }
  const references = referencesOf(incoming);
  if (references.length > 0) {
    const messages = await tx.message.findMany({
      // Every channel named: the unique index is (shop, channel, providerMessageId), and without
      // its second column SQLite walks every message of the shop (1.3 s at 1,000,000).
      where: { shop, channel: { in: [...CHANNEL_NAMES] }, providerMessageId: { in: references } },
      select: { providerMessageId: true, conversationId: true },
    });
    for (const reference of references) {
      const message = messages.find((row) => row.providerMessageId === reference);
      if (!message) continue;
      const conversation = await tx.conversation.findFirst({
        where: { shop, id: message.conversationId },
        select: threadFields,
      });
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
  dialect: Dialect,
  shop: string,
  incoming: IncomingMessage,
  contactId: number,
  orderId: string | null,
): Promise<ConversationRow | null> {
  const mine = { contactId, channel: incoming.channel };
  if (orderId) {
    const about = await openConversationOf(tx, dialect, shop, { ...mine, orderId });
    if (about) return about;
  }
  const since =
    incoming.channel === "email"
      ? new Date(incoming.receivedAt.getTime() - EMAIL_CONTINUE_DAYS * 24 * 60 * 60 * 1000)
      : null;
  const latest = await openConversationOf(tx, dialect, shop, { ...mine, since });
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
    const theirs = await tx.conversation.findFirst({
      where: { ...where, contactId },
      orderBy: newestFirst,
      select: threadFields,
    });
    if (theirs) return theirs;
  }
  return tx.conversation.findFirst({ where, orderBy: newestFirst, select: threadFields });
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

  const dialect = dialectOf(db);
  let attempt = 0;
  return inTransaction(db, async (tx): Promise<ReceiveResult> => {
    // A new delivery is the common case: its insert meets the unique index. Only a run after a
    // conflict (a second delivery, or one racing the first) looks for the stored message first.
    if (providerMessageId && attempt++ > 0) {
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
    let contact: ResolvedContact | null = null;
    if (!conversation) {
      // Machine mail joins a contact that exists; it makes no contacts of mailer daemons.
      if (machine) contactId = await findContact(tx, shop, incoming.identities);
      else {
        const name = incoming.contactName ?? incoming.fromName ?? null;
        const known = await knownSender(tx, dialect, shop, normalizedIdentities(incoming.identities));
        contact =
          known && (known.name || !name) && (known.locale || !incoming.locale)
            ? { id: known.contactId, name: known.name, values: known.values }
            : await resolveContact(tx, shop, {
                identities: incoming.identities,
                name,
                locale: incoming.locale ?? null,
              });
        contactId = contact.id;
      }
      if (contactId !== null) {
        conversation = linked.orderId
          ? await conversationOfOrder(tx, shop, incoming.channel, linked.orderId, contactId)
          : await threadBySender(tx, dialect, shop, incoming, contactId, orderId);
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
    let searchChanged = false;
    if (!conversation) {
      const order = orderId
        ? await tx.order.findUnique({ where: { shop_id: { shop, id: orderId } }, select: { name: true } })
        : null;
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
          searchText: conversationSearchText([
            contact?.name,
            ...(contact?.values ?? []),
            incoming.subject,
            order?.name,
            order?.name.replace(/^#/, ""),
          ]),
        },
        select: threadFields,
      });
    } else {
      searchChanged =
        (!conversation.orderId && Boolean(orderId)) || (!conversation.subject && Boolean(incoming.subject));
      await touchConversation(tx, dialect, conversation.id, {
        at,
        // A machine mail is shown, but it never opens the conversation again nor starts a wait.
        human: !machine,
        orderId,
        subject: incoming.subject?.slice(0, 500) ?? null,
        etsyUrl: incoming.etsyUrl ?? null,
      });
    }

    const messageId = await insertMessage(tx, dialect, {
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
    });
    const message = { id: messageId };
    if (incoming.original) await insertOriginal(tx, dialect, { messageId: message.id, shop, data: incoming.original });
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
