// The inbox's readers: the list (filters, waiting longest first, unread counts,
// search) and one conversation with its messages. Both take the verified shop;
// another shop's conversation reads as null (the page answers 404).
import { dialectOf, type Db } from "../db.server.ts";
import { parseJsonText } from "../database/json-text.ts";
import { jsonRows } from "../database/sql-json.server.ts";
import { foldForInboxSearch } from "./contacts.server.ts";
import type { Channel, ConversationStatus } from "./types.ts";

export const CONVERSATION_STATUSES: readonly ConversationStatus[] = ["open", "waiting", "snoozed", "resolved"];
export const CHANNEL_NAMES: readonly Channel[] = ["email", "sms", "order_page", "etsy"];
export const LIST_PAGE_SIZE = 50;

export interface ConversationFilter {
  status?: ConversationStatus | null;
  channel?: Channel | null;
  /** A staff member's name; "" = unassigned. */
  assignee?: string | null;
  tag?: string | null;
  /** Searched in the contact's name and addresses, the subject and the order number. */
  q?: string | null;
  /** From the previous page's nextCursor. */
  cursor?: string | null;
  limit?: number;
}

export interface ConversationListItem {
  id: number;
  channel: string;
  status: string;
  subject: string | null;
  orderId: string | null;
  assignee: string | null;
  tags: string[];
  contact: { id: number; name: string | null };
  waitingSince: Date | null;
  lastMessageAt: Date;
  unread: number;
  exchanges: number;
  flagged: boolean;
  /** The last message's shown text, cut to 160 characters; customer text, escape it when shown. */
  preview: string | null;
  previewDirection: string | null;
}

export interface ConversationList {
  items: ConversationListItem[];
  nextCursor: string | null;
  /** Conversations per status and how many have unread messages (the whole shop, not the filter). */
  counts: Record<ConversationStatus, number> & { unread: number };
}

type Cursor = { phase: "w" | "l"; at: Date; id: number };

function readCursor(cursor: string | null | undefined): Cursor | null {
  if (!cursor) return null;
  const match = /^([wl])_(\d{1,15})_(\d{1,12})$/.exec(cursor);
  if (!match) return null;
  return { phase: match[1] as "w" | "l", at: new Date(Number(match[2])), id: Number(match[3]) };
}

const writeCursor = (phase: "w" | "l", at: Date, id: number) => `${phase}_${at.getTime()}_${id}`;

function tagsOf(text: string): string[] {
  const tags = parseJsonText<unknown>(text, []);
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === "string") : [];
}

/**
 * A page of the shop's conversations: those waiting on an answer first, the
 * longest waiting first; then the rest, latest message first. A snoozed
 * conversation whose time came counts as open.
 */
export async function listConversations(
  db: Db,
  shop: string,
  filter: ConversationFilter = {},
  now = new Date(),
): Promise<ConversationList> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? LIST_PAGE_SIZE), 1), 200);
  const where: NonNullable<Parameters<Db["conversation"]["findMany"]>[0]>["where"] = { shop };
  const and: NonNullable<typeof where>[] = [];
  if (filter.status === "open")
    and.push({ OR: [{ status: "open" }, { status: "snoozed", snoozedUntil: { lte: now } }] });
  else if (filter.status === "snoozed") and.push({ status: "snoozed", snoozedUntil: { gt: now } });
  else if (filter.status) and.push({ status: filter.status });
  if (filter.channel) and.push({ channel: filter.channel });
  if (filter.assignee !== undefined && filter.assignee !== null)
    and.push({ assignee: filter.assignee === "" ? null : filter.assignee });
  if (filter.tag) {
    const tag = foldForInboxSearch(filter.tag).replace(/["\\,]/g, "");
    if (tag) and.push({ tags: { contains: JSON.stringify(tag) } });
  }
  const q = filter.q ? foldForInboxSearch(filter.q).slice(0, 200) : "";
  if (q) and.push({ searchText: { contains: q } });
  if (and.length) where.AND = and;

  const cursor = readCursor(filter.cursor);
  // The page is chosen on (id, sort key) alone, then its rows are read once: each Prisma query pays
  // per row and column it maps, and the waiting phase reads up to limit + 1 rows per status.
  const keys = { id: true, waitingSince: true, lastMessageAt: true } as const;
  const rows: { id: number; waitingSince: Date | null; lastMessageAt: Date }[] = [];
  if (!cursor || cursor.phase === "w") {
    // One query per status, merged here: the (shop, status, waitingSince) index gives each its
    // order, where one query over every status would sort all the shop's waiting conversations.
    const statuses = filter.status
      ? filter.status === "open"
        ? ["open", "snoozed"]
        : [filter.status]
      : CONVERSATION_STATUSES;
    const waiting = await Promise.all(
      statuses.map((status) =>
        db.conversation.findMany({
          where: {
            ...where,
            status,
            waitingSince: cursor ? { gte: cursor.at } : { not: null },
            ...(cursor ? { NOT: { waitingSince: cursor.at, id: { lte: cursor.id } } } : {}),
          },
          orderBy: [{ waitingSince: "asc" }, { id: "asc" }],
          take: limit + 1,
          select: keys,
        }),
      ),
    );
    rows.push(
      ...waiting
        .flat()
        .sort((a, b) => a.waitingSince!.getTime() - b.waitingSince!.getTime() || a.id - b.id)
        .slice(0, limit + 1),
    );
  }
  if (rows.length <= limit) {
    const after = cursor?.phase === "l" ? cursor : null;
    rows.push(
      ...(await db.conversation.findMany({
        where: {
          ...where,
          waitingSince: null,
          ...(after
            ? { lastMessageAt: { lte: after.at }, NOT: { lastMessageAt: after.at, id: { gte: after.id } } }
            : {}),
        },
        orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
        take: limit + 1 - rows.length,
        select: keys,
      })),
    );
  }
  const pageKeys = rows.slice(0, limit);
  const last = pageKeys.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? last.waitingSince
        ? writeCursor("w", last.waitingSince, last.id)
        : writeCursor("l", last.lastMessageAt, last.id)
      : null;

  const ids = pageKeys.map((row) => row.id);
  const [found, previewRows, grouped] = await Promise.all([
    ids.length
      ? // By primary key, the shop checked on the rows: with "shop = ? AND id IN …" SQLite walks a
        // (shop, …) index through every conversation of the shop.
        db.conversation.findMany({
          where: { id: { in: ids } },
          select: {
            shop: true,
            id: true,
            channel: true,
            status: true,
            snoozedUntil: true,
            subject: true,
            orderId: true,
            assignee: true,
            tags: true,
            contactId: true,
            waitingSince: true,
            lastMessageAt: true,
            unread: true,
            exchanges: true,
            flaggedAt: true,
          },
        })
      : [],
    lastMessages(db, shop, ids),
    // Per status and unread in one pass over the shop's conversations (two queries read them twice).
    db.$queryRaw<{ status: string; total: number | bigint; unread: number | bigint | null }[]>`
      SELECT "status", COUNT(*) AS "total", SUM(CASE WHEN "unread" > 0 THEN 1 ELSE 0 END) AS "unread"
      FROM "Conversation" WHERE "shop" = ${shop} GROUP BY "status"`,
  ]);
  const byId = new Map(found.filter((row) => row.shop === shop).map((row) => [row.id, row]));
  const page = ids.flatMap((id) => byId.get(id) ?? []);
  const contactIds = [...new Set(page.map((row) => row.contactId))];
  const contacts = contactIds.length
    ? (
        await db.contact.findMany({ where: { id: { in: contactIds } }, select: { shop: true, id: true, name: true } })
      ).filter((contact) => contact.shop === shop)
    : [];
  const nameOf = new Map(contacts.map((contact) => [contact.id, contact.name]));
  const previewOf = new Map(previewRows.map((preview) => [preview.conversationId, preview]));
  const previews = page.map((row) => previewOf.get(row.id));
  const counts = { open: 0, waiting: 0, snoozed: 0, resolved: 0, unread: 0 };
  for (const group of grouped) {
    if ((CONVERSATION_STATUSES as readonly string[]).includes(group.status))
      counts[group.status as ConversationStatus] = Number(group.total);
    if (group.status !== "resolved") counts.unread += Number(group.unread ?? 0);
  }
  return {
    items: page.map((row, index) => ({
      id: row.id,
      channel: row.channel,
      status: row.status === "snoozed" && row.snoozedUntil && row.snoozedUntil <= now ? "open" : row.status,
      subject: row.subject,
      orderId: row.orderId,
      assignee: row.assignee,
      tags: tagsOf(row.tags),
      contact: { id: row.contactId, name: nameOf.get(row.contactId) ?? null },
      waitingSince: row.waitingSince,
      lastMessageAt: row.lastMessageAt,
      unread: row.unread,
      exchanges: row.exchanges,
      flagged: row.flaggedAt !== null,
      preview: previews[index]?.text.replace(/\s+/g, " ").trim().slice(0, 160) ?? null,
      previewDirection: previews[index]?.direction ?? null,
    })),
    nextCursor,
    counts,
  };
}

/**
 * The last customer or staff message of each conversation (notes and events are no preview), in
 * one statement: a page of 50 conversations made 50 queries, and each Prisma query costs ~1–3 ms.
 */
async function lastMessages(
  db: Db,
  shop: string,
  conversationIds: readonly number[],
): Promise<{ conversationId: number; text: string; direction: string }[]> {
  if (conversationIds.length === 0) return [];
  // Driven from the ids (no shop term on the outer tables): SQLite, given "shop = ? AND id IN …",
  // walks a (shop, …) index through the whole shop; the inner look-up is the shop's.
  const rows = await db.$queryRaw<{ conversationId: number | bigint; text: string; direction: string }[]>`
    SELECT "m"."conversationId", SUBSTR("m"."text", 1, 1000) AS "text", "m"."direction" FROM "Message" AS "m"
    WHERE "m"."id" IN (
      SELECT (SELECT "l"."id" FROM "Message" AS "l"
              WHERE "l"."shop" = ${shop} AND "l"."conversationId" = CAST("j"."value" AS INTEGER)
                AND "l"."direction" IN ('incoming', 'outgoing')
              ORDER BY "l"."createdAt" DESC, "l"."id" DESC LIMIT 1)
      FROM ${jsonRows(dialectOf(db), conversationIds)})`;
  return rows.map((row) => ({ conversationId: Number(row.conversationId), text: row.text, direction: row.direction }));
}

export interface ConversationMessage {
  id: number;
  direction: string;
  kind: string;
  channel: string;
  author: string | null;
  fromAddress: string | null;
  fromName: string | null;
  toAddress: string | null;
  subject: string | null;
  /** Shown (quotes trimmed); customer text: escape it. */
  text: string;
  fullText: string | null;
  /** Sanitized when stored. */
  html: string | null;
  status: string | null;
  statusReason: string | null;
  sentAt: Date | null;
  createdAt: Date;
  hasOriginal: boolean;
  attachments: { id: number; filename: string | null; contentType: string; size: number; refused: string | null }[];
}

export interface ConversationDetail {
  conversation: {
    id: number;
    channel: string;
    status: string;
    subject: string | null;
    orderId: string | null;
    assignee: string | null;
    tags: string[];
    etsyUrl: string | null;
    replyToken: string;
    snoozedUntil: Date | null;
    waitingSince: Date | null;
    firstMessageAt: Date | null;
    firstResponseAt: Date | null;
    resolvedAt: Date | null;
    lastMessageAt: Date;
    exchanges: number;
    flaggedAt: Date | null;
    unread: number;
    createdAt: Date;
  };
  contact: {
    id: number;
    name: string | null;
    locale: string | null;
    redacted: boolean;
    identities: { kind: string; value: string }[];
  };
  messages: ConversationMessage[];
  /** Older messages exist beyond the `messageLimit` shown. */
  olderMessages: boolean;
}

/** One conversation of the shop with its contact and its latest messages (oldest first), or null. */
export async function readConversation(
  db: Db,
  shop: string,
  conversationId: number,
  options: { messageLimit?: number } = {},
): Promise<ConversationDetail | null> {
  if (!Number.isInteger(conversationId) || conversationId < 1) return null;
  const conversation = await db.conversation.findFirst({ where: { shop, id: conversationId } });
  if (!conversation) return null;
  const limit = Math.min(Math.max(options.messageLimit ?? 200, 1), 1000);
  const [contact, identities, latest] = await Promise.all([
    db.contact.findFirst({ where: { shop, id: conversation.contactId } }),
    db.contactIdentity.findMany({
      where: { shop, contactId: conversation.contactId },
      orderBy: { id: "asc" },
      select: { kind: true, value: true },
    }),
    db.message.findMany({
      where: { shop, conversationId: conversation.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit + 1,
      select: {
        id: true,
        direction: true,
        kind: true,
        channel: true,
        author: true,
        fromAddress: true,
        fromName: true,
        toAddress: true,
        subject: true,
        text: true,
        fullText: true,
        html: true,
        status: true,
        statusReason: true,
        sentAt: true,
        createdAt: true,
      },
    }),
  ]);
  const shown = latest.slice(0, limit).reverse();
  const ids = shown.map((message) => message.id);
  const [attachments, originals] = await Promise.all([
    db.messageAttachment.findMany({
      where: { shop, messageId: { in: ids } },
      orderBy: { id: "asc" },
      select: { id: true, messageId: true, filename: true, contentType: true, size: true, refused: true },
    }),
    // By primary key, the shop checked on the rows (SQLite would walk the shop's originals by (shop)).
    db.messageOriginal.findMany({ where: { messageId: { in: ids } }, select: { shop: true, messageId: true } }),
  ]);
  const withOriginal = new Set(originals.filter((row) => row.shop === shop).map((row) => row.messageId));
  return {
    conversation: {
      id: conversation.id,
      channel: conversation.channel,
      status: conversation.status,
      subject: conversation.subject,
      orderId: conversation.orderId,
      assignee: conversation.assignee,
      tags: tagsOf(conversation.tags),
      etsyUrl: conversation.etsyUrl,
      replyToken: conversation.replyToken,
      snoozedUntil: conversation.snoozedUntil,
      waitingSince: conversation.waitingSince,
      firstMessageAt: conversation.firstMessageAt,
      firstResponseAt: conversation.firstResponseAt,
      resolvedAt: conversation.resolvedAt,
      lastMessageAt: conversation.lastMessageAt,
      exchanges: conversation.exchanges,
      flaggedAt: conversation.flaggedAt,
      unread: conversation.unread,
      createdAt: conversation.createdAt,
    },
    contact: {
      id: conversation.contactId,
      name: contact?.name ?? null,
      locale: contact?.locale ?? null,
      redacted: Boolean(contact?.redactedAt),
      identities,
    },
    messages: shown.map((message) => ({
      ...message,
      hasOriginal: withOriginal.has(message.id),
      attachments: attachments
        .filter((attachment) => attachment.messageId === message.id)
        .map(({ messageId: _messageId, ...attachment }) => attachment),
    })),
    olderMessages: latest.length > limit,
  };
}

/** An attachment's bytes, for a download link (null: another shop's, refused, or gone). */
export async function readAttachment(db: Db, shop: string, attachmentId: number) {
  if (!Number.isInteger(attachmentId) || attachmentId < 1) return null;
  const row = await db.messageAttachment.findFirst({ where: { shop, id: attachmentId } });
  if (!row?.data) return null;
  return { filename: row.filename, contentType: row.contentType, size: row.size, data: Buffer.from(row.data) };
}

/** The message exactly as it arrived (RFC 822), for "show original". */
export async function readMessageOriginal(db: Db, shop: string, messageId: number): Promise<Buffer | null> {
  if (!Number.isInteger(messageId) || messageId < 1) return null;
  const row = await db.messageOriginal.findFirst({ where: { shop, messageId } });
  return row ? Buffer.from(row.data) : null;
}

/** The contact's other conversations (newest first), for the customer panel. */
export async function conversationsOfContact(db: Db, shop: string, contactId: number, exceptId?: number) {
  // Sorted here, not in SQL: SQLite (no statistics) would walk the shop's (shop, lastMessageAt)
  // index for that ORDER BY instead of reading the contact's few conversations by (shop, contactId).
  const rows = await db.conversation.findMany({
    where: { shop, contactId, ...(exceptId ? { id: { not: exceptId } } : {}) },
    take: 1000,
    select: { id: true, channel: true, status: true, subject: true, orderId: true, lastMessageAt: true },
  });
  return rows.sort((a, b) => b.lastMessageAt.getTime() - a.lastMessageAt.getTime() || b.id - a.id).slice(0, 50);
}
